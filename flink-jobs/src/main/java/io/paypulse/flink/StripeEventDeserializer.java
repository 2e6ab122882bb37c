package io.paypulse.flink;

import io.paypulse.flink.functions.JobMetrics;
import io.paypulse.flink.model.StripeEvent;
import io.paypulse.schemas.EnvelopeHeaders;
import io.paypulse.schemas.PlausibleTimes;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;

/**
 * Reads a {@code stripe.events} record (envelope v1 in the headers, Stripe's body as the value) into a
 * {@link StripeEvent}. The body is kept as bytes and not parsed here. A record whose envelope is
 * missing, of another version or unreadable, or whose {@code created} or {@code received_at} is out of
 * range ({@link PlausibleTimes}), is counted as malformed and skipped: the bridge never writes one, so
 * it is a producer bug to investigate, not a reason to stop the job.
 */
public class StripeEventDeserializer implements KafkaRecordDeserializationSchema<StripeEvent> {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(StripeEventDeserializer.class);

    private transient Counter malformed;

    @Override
    public void open(DeserializationSchema.InitializationContext context) {
        malformed = context.getMetricGroup().counter(JobMetrics.EVENTS_MALFORMED);
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<StripeEvent> out) {
        try {
            out.collect(read(record));
        } catch (MalformedEnvelope e) {
            malformed.inc();
            LOG.warn("skipped malformed record topic={} partition={} offset={} reason={}",
                    record.topic(), record.partition(), record.offset(), e.getMessage());
        }
    }

    /** The event in {@code record}, or {@link MalformedEnvelope} saying what is wrong. */
    static StripeEvent read(ConsumerRecord<byte[], byte[]> record) {
        String version = header(record, EnvelopeHeaders.ENVELOPE_VERSION, true);
        if (!EnvelopeHeaders.VERSION.equals(version)) {
            throw new MalformedEnvelope("envelope_version_" + version);
        }
        if (record.value() == null) {
            throw new MalformedEnvelope("no_value");
        }
        String livemode = header(record, EnvelopeHeaders.EVENT_LIVEMODE, true);
        if (!livemode.equals("true") && !livemode.equals("false")) {
            throw new MalformedEnvelope("invalid_" + EnvelopeHeaders.EVENT_LIVEMODE);
        }
        String id = header(record, EnvelopeHeaders.EVENT_ID, true);
        String type = header(record, EnvelopeHeaders.EVENT_TYPE, true);
        long created = number(record, EnvelopeHeaders.EVENT_CREATED);
        long receivedAt = number(record, EnvelopeHeaders.RECEIVED_AT);
        // Checked here, before the watermarks: a created in milliseconds would also drag event time
        // centuries ahead and turn every later event away as too late.
        if (!PlausibleTimes.isPlausibleMillis(receivedAt)) {
            throw new MalformedEnvelope("out_of_range_" + EnvelopeHeaders.RECEIVED_AT);
        }
        if (!PlausibleTimes.isPlausibleCreated(created, receivedAt)) {
            throw new MalformedEnvelope("out_of_range_" + EnvelopeHeaders.EVENT_CREATED);
        }
        return new StripeEvent(
                id,
                type,
                created,
                header(record, EnvelopeHeaders.EVENT_API_VERSION, false),
                header(record, EnvelopeHeaders.EVENT_ACCOUNT, false),
                Boolean.parseBoolean(livemode),
                receivedAt,
                header(record, EnvelopeHeaders.BRIDGE_INSTANCE, true),
                record.value());
    }

    @Override
    public TypeInformation<StripeEvent> getProducedType() {
        return Types.POJO(StripeEvent.class);
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name, boolean required) {
        Header header = record.headers().lastHeader(name);
        String value = header == null || header.value() == null ? "" : new String(header.value(), StandardCharsets.UTF_8);
        if (required && value.isEmpty()) {
            throw new MalformedEnvelope("missing_" + name);
        }
        return value;
    }

    private static long number(ConsumerRecord<byte[], byte[]> record, String name) {
        try {
            return Long.parseLong(header(record, name, true));
        } catch (NumberFormatException e) {
            throw new MalformedEnvelope("invalid_" + name);
        }
    }

    /** A record that does not follow the envelope; the message is a machine-readable reason. */
    static final class MalformedEnvelope extends RuntimeException {
        private static final long serialVersionUID = 1L;

        MalformedEnvelope(String reason) {
            super(reason, null, false, false);
        }
    }
}
