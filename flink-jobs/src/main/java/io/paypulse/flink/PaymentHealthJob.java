package io.paypulse.flink;

import io.paypulse.flink.anomaly.AlertRecord;
import io.paypulse.flink.anomaly.AnomalyDetection;
import io.paypulse.flink.anomaly.AnomalyRow;
import io.paypulse.flink.config.AlertingConfig;
import io.paypulse.flink.config.JobConfig;
import io.paypulse.flink.functions.AttemptDimensions;
import io.paypulse.flink.health.PipelineHealth;
import io.paypulse.flink.model.DlqEventRow;
import io.paypulse.flink.functions.DeclineCounts;
import io.paypulse.flink.functions.DeclineRateAggregate;
import io.paypulse.flink.functions.DeclineRateWindowFunction;
import io.paypulse.flink.functions.EventDeduplicator;
import io.paypulse.flink.functions.LivemodeFilter;
import io.paypulse.flink.functions.JobState;
import io.paypulse.flink.functions.LatenessGate;
import io.paypulse.flink.functions.LatencyAccumulator;
import io.paypulse.flink.functions.LatencyDimensions;
import io.paypulse.flink.functions.LocalWindowAggregator;
import io.paypulse.flink.functions.MergePartials;
import io.paypulse.flink.functions.StripeEventParser;
import io.paypulse.flink.functions.SettlementAccumulator;
import io.paypulse.flink.functions.SettlementDimensions;
import io.paypulse.flink.functions.SettlementTimeAggregate;
import io.paypulse.flink.functions.SettlementTimeWindowFunction;
import io.paypulse.flink.functions.StripeEventWatermarks;
import io.paypulse.flink.functions.WebhookLatencyAggregate;
import io.paypulse.flink.functions.WebhookLatencyWindowFunction;
import io.paypulse.flink.model.DeclineRateWindow;
import io.paypulse.flink.model.DimensionKey;
import io.paypulse.flink.model.DimensionedAttempt;
import io.paypulse.flink.model.LatencyObservation;
import io.paypulse.flink.model.ParsedEvent;
import io.paypulse.flink.model.PaymentAttempt;
import io.paypulse.flink.model.PayoutRow;
import io.paypulse.flink.model.PayoutSettlement;
import io.paypulse.flink.model.SettlementObservation;
import io.paypulse.flink.model.SettlementTimeWindow;
import io.paypulse.flink.model.StripeEvent;
import io.paypulse.flink.model.StripeEventRow;
import io.paypulse.flink.model.WebhookLatencyWindow;
import io.paypulse.flink.model.LateEvent;
import io.paypulse.flink.sink.ClickHouseRowMapper;
import io.paypulse.flink.sink.ClickHouseSink;
import io.paypulse.schemas.ClickHouseConfig;
import io.paypulse.schemas.MissingTopicException;
import io.paypulse.schemas.ProvisioningException;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The payment health job: deduplicated Stripe events in, the rows of {@code stripe_events},
 * {@code payment_attempts}, the one-minute decline-rate, webhook-latency and settlement-time windows
 * and {@code late_events} out. {@link #buildOnEventTime} is the whole topology; {@link #build} puts
 * it on any stream of events, so tests run it on bounded test data, and {@code main} runs it on
 * {@link #kafkaEvents}.
 */
public final class PaymentHealthJob {

    private static final Logger LOG = LoggerFactory.getLogger(PaymentHealthJob.class);

    /** How long {@link #prepare} waits for Kafka to answer before it submits the job without the check. */
    static final Duration KAFKA_CHECK_TIMEOUT = Duration.ofSeconds(10);

    private PaymentHealthJob() {
    }

    /**
     * Runs the job against Kafka and ClickHouse as configured by the environment: see
     * {@link JobConfig} and {@link ClickHouseConfig}.
     */
    public static void main(String[] args) throws Exception {
        prepare(System.getenv()).execute(PaymentHealthRunner.JOB_NAME);
    }

    /**
     * The job as {@code main} submits it, configured by {@code env}. Every setting is checked and Kafka is asked
     * for the topics first (the dead-letter and metrics topics are created if missing), so a bad setting or a
     * missing events topic fails the submission with one sentence that says what to do, instead of a job that
     * restarts forever with the connector's stack trace. A Kafka that does not answer within
     * {@link #KAFKA_CHECK_TIMEOUT} only gets a warning: {@code main} may run where the job's tasks do not (a
     * {@code flink run} client outside the cluster's network, without the TLS files), or while Kafka restarts
     * (a JobManager in application mode, which would exit), and the job's sources retry by themselves.
     */
    static StreamExecutionEnvironment prepare(Map<String, String> env) {
        JobConfig config = JobConfig.fromEnv(env);
        AlertingConfig alerting = AlertingConfig.fromEnv(env);
        ClickHouseConfig clickHouse = ClickHouseConfig.fromEnv(env);
        try {
            PaymentHealthRunner.checkKafka(config, KAFKA_CHECK_TIMEOUT);
        } catch (MissingTopicException e) {
            throw e;
        } catch (ProvisioningException e) {
            LOG.warn("event=kafka_check_skipped error=\"{}\" action=\"the job is submitted anyway and its sources retry "
                    + "until Kafka answers; check KAFKA_BOOTSTRAP_SERVERS and KAFKA_CLIENT_CONFIG if it never does\"",
                    e.getMessage());
        }
        StreamExecutionEnvironment flink = StreamExecutionEnvironment.getExecutionEnvironment(
                PaymentHealthRunner.flinkConfiguration(config));
        PaymentHealthRunner.define(flink, config, alerting, clickHouse);
        return flink;
    }

    /** One ClickHouse sink per output, each into the table its rows are made for. */
    public static void sinkToClickHouse(JobOutputs outputs, ClickHouseConfig clickHouse, JobConfig job) {
        sinkRawEvents(outputs.rawEvents(), clickHouse, job);
        sink(outputs.paymentAttempts(), clickHouse, job, PaymentAttempt.TABLE, PaymentAttempt.COLUMNS,
                PaymentAttempt::toColumnValues);
        sink(outputs.declineRates(), clickHouse, job, DeclineRateWindow.TABLE, DeclineRateWindow.COLUMNS,
                DeclineRateWindow::toColumnValues);
        sink(outputs.webhookLatency(), clickHouse, job, WebhookLatencyWindow.TABLE, WebhookLatencyWindow.COLUMNS,
                WebhookLatencyWindow::toColumnValues);
        sink(outputs.settlementTimes(), clickHouse, job, SettlementTimeWindow.TABLE, SettlementTimeWindow.COLUMNS,
                SettlementTimeWindow::toColumnValues);
        sink(outputs.lateEvents(), clickHouse, job, LateEvent.TABLE, LateEvent.COLUMNS, LateEvent::toColumnValues);
        sink(outputs.payouts(), clickHouse, job, PayoutRow.TABLE, PayoutRow.COLUMNS, PayoutRow::toColumnValues);
    }

    /** Rows of {@code stripe_events} into that table, through the sink the job uses for them. */
    public static void sinkRawEvents(DataStream<StripeEventRow> rows, ClickHouseConfig clickHouse, JobConfig job) {
        sink(rows, clickHouse, job, StripeEventRow.TABLE, StripeEventRow.COLUMNS, StripeEventRow::toColumnValues);
    }

    /** The anomaly detection's outputs into {@code anomalies} and {@code alerts}. */
    public static void sinkToClickHouse(AnomalyDetection.Outputs outputs, ClickHouseConfig clickHouse, JobConfig job) {
        sink(outputs.anomalies(), clickHouse, job, AnomalyRow.TABLE, AnomalyRow.COLUMNS, AnomalyRow::toColumnValues);
        sink(outputs.alerts(), clickHouse, job, AlertRecord.TABLE, AlertRecord.COLUMNS, AlertRecord::toColumnValues);
    }

    /** The pipeline health copies into {@code dlq_events} and {@code pipeline_metrics}. */
    public static void sinkToClickHouse(PipelineHealth health, ClickHouseConfig clickHouse, JobConfig job) {
        sink(health.dlqEvents(), clickHouse, job, DlqEventRow.TABLE, DlqEventRow.COLUMNS, DlqEventRow::toColumnValues);
        sink(health.pipelineMetrics(), clickHouse, job, PipelineHealth.METRICS_TABLE, PipelineHealth.METRICS_COLUMNS,
                PipelineHealth::metricColumnValues);
    }

    private static <T> void sink(DataStream<T> rows, ClickHouseConfig clickHouse, JobConfig job, String table,
                                 List<String> columns, ClickHouseRowMapper<T> mapper) {
        rows.sinkTo(ClickHouseSink.<T>builder().config(clickHouse).table(table).columns(columns).rowMapper(mapper)
                        .maxBatchRows(job.clickHouseBatchRows()).flushInterval(job.clickHouseFlushInterval()).build())
                .uid("clickhouse-" + table).name("ClickHouse " + table);
    }

    /**
     * Wires the topology onto {@code events}, a stream without event time such as a test's bounded
     * data: timestamps and watermarks are assigned here with {@link #watermarkStrategy}, one generator
     * per parallel instance. Kafka input gets them per partition instead: see {@link #kafkaEvents}.
     */
    public static JobOutputs build(DataStream<StripeEvent> events, JobConfig config) {
        return buildOnEventTime(events
                .assignTimestampsAndWatermarks(watermarkStrategy(config))
                .uid("event-time").name("Event time: Stripe created"), config);
    }

    /**
     * Wires the topology onto {@code events} that already carry timestamps and watermarks from
     * {@link #watermarkStrategy}, as {@link #kafkaEvents} makes them. Event time is Stripe's {@code created}.
     *
     * <p>Every input of every metric window must come after the {@link LatenessGate}: the gate keeps what
     * follows it active, so the windows' watermark never runs ahead of the one it judged an event by. A union
     * with a stream from before it would bring the sources' idleness back, and with it windows that drop
     * partials as late (see the gate's class comment).
     */
    public static JobOutputs buildOnEventTime(DataStream<StripeEvent> events, JobConfig config) {
        SingleOutputStreamOperator<StripeEvent> unique = events
                .keyBy(StripeEvent::eventId, Types.STRING)
                .process(new EventDeduplicator(config.dedupRetention()), Types.POJO(StripeEvent.class))
                .uid("dedup-by-event-id").name("Deduplicate by event id");

        // Each body is parsed once, here: redacted for stripe_events, and read for attempts and payouts.
        SingleOutputStreamOperator<ParsedEvent> parsed = unique
                .flatMap(new StripeEventParser(config.redaction()), Types.POJO(ParsedEvent.class))
                .uid("parse-and-redact").name("Parse and redact");
        DataStream<StripeEventRow> rawEvents = parsed
                .flatMap(PaymentHealthJob::storedRowOf, Types.POJO(StripeEventRow.class))
                .uid("raw-events").name("Raw events");

        // Every event is stored above; only the mode PAYPULSE_LIVEMODE names counts from here on.
        SingleOutputStreamOperator<ParsedEvent> onTime = parsed
                .filter(new LivemodeFilter(config.livemode()))
                .uid("livemode-filter").name("Count " + config.livemode().wireName() + "-mode events")
                .transform("Route events too late for their window", Types.POJO(ParsedEvent.class),
                        new LatenessGate(JobConfig.WINDOW_SIZE, config.allowedLateness()))
                .uid("lateness-gate");
        DataStream<ParsedEvent> tooLate = onTime.getSideOutput(JobState.TOO_LATE_EVENTS);

        // Every charge becomes an attempt row, but only on-time ones reach the windows.
        DataStream<PaymentAttempt> onTimeAttempts = onTime
                .flatMap(PaymentHealthJob::attemptOf, Types.POJO(PaymentAttempt.class))
                .uid("attempts-on-time").name("Payment attempts");
        DataStream<PaymentAttempt> lateAttempts = tooLate
                .flatMap(PaymentHealthJob::attemptOf, Types.POJO(PaymentAttempt.class))
                .uid("attempts-too-late").name("Payment attempts (too late for windows)");
        DataStream<PayoutSettlement> onTimePayouts = onTime
                .flatMap(PaymentHealthJob::payoutOf, Types.POJO(PayoutSettlement.class))
                .uid("payout-settlements").name("Payout settlements");

        DataStream<PaymentAttempt> paymentAttempts = onTimeAttempts.union(lateAttempts);
        // Every payout event becomes a row of payouts, late ones too; the latest status wins per payout.
        DataStream<PayoutRow> payouts = onTime.union(tooLate)
                .flatMap(PaymentHealthJob::payoutRowOf, Types.POJO(PayoutRow.class))
                .uid("payout-rows").name("Payouts");
        return new JobOutputs(rawEvents, paymentAttempts, declineRates(onTimeAttempts, config),
                webhookLatency(onTime, config), settlementTimes(onTimePayouts, config),
                onTime.getSideOutput(JobState.LATE_EVENT_ROWS), payouts);
    }

    private static void storedRowOf(ParsedEvent event, Collector<StripeEventRow> out) {
        if (event.stored()) {
            out.collect(event.row());
        }
    }

    private static void attemptOf(ParsedEvent event, Collector<PaymentAttempt> out) {
        if (event.attempt() != null) {
            out.collect(event.attempt());
        }
    }

    private static void payoutRowOf(ParsedEvent event, Collector<PayoutRow> out) {
        if (event.payout() != null) {
            out.collect(PayoutRow.of(event.payout(), event.row()));
        }
    }

    private static void payoutOf(ParsedEvent event, Collector<PayoutSettlement> out) {
        if (event.payout() != null) {
            out.collect(event.payout());
        }
    }

    /** Decline counts per minute, once per configured dimension set, from on-time attempts. */
    public static SingleOutputStreamOperator<DeclineRateWindow> declineRates(DataStream<PaymentAttempt> attempts,
                                                                             JobConfig config) {
        LocalWindowAggregator<DimensionedAttempt, DimensionKey, DeclineCounts> preAggregate = new LocalWindowAggregator<>(
                DimensionedAttempt::key, new DeclineRateAggregate(), JobConfig.WINDOW_SIZE);
        return attempts
                .flatMap(new AttemptDimensions(config.dimensionSets()), Types.POJO(DimensionedAttempt.class))
                .uid("attempt-dimension-sets").name("Attempts per dimension set")
                .transform("Pre-aggregate decline counts", Types.POJO(DeclineCounts.class), preAggregate)
                .uid("decline-counts-local")
                .keyBy(c -> c.key.id(), Types.STRING)
                .window(TumblingEventTimeWindows.of(JobConfig.WINDOW_SIZE))
                .allowedLateness(config.allowedLateness())
                .aggregate(new MergePartials<>(new DeclineRateAggregate()), new DeclineRateWindowFunction(),
                        Types.POJO(DeclineCounts.class), Types.POJO(DeclineCounts.class),
                        Types.POJO(DeclineRateWindow.class))
                .uid("decline-rates-1m").name("Decline rates per minute");
    }

    /** Webhook latency per minute, over all events and per event type, from on-time events. */
    public static SingleOutputStreamOperator<WebhookLatencyWindow> webhookLatency(DataStream<ParsedEvent> events,
                                                                                  JobConfig config) {
        LocalWindowAggregator<LatencyObservation, LatencyObservation.Key, LatencyAccumulator> preAggregate =
                new LocalWindowAggregator<>(LatencyObservation::key, new WebhookLatencyAggregate(), JobConfig.WINDOW_SIZE);
        return events
                .flatMap(new LatencyDimensions(), Types.POJO(LatencyObservation.class))
                .uid("latency-dimension-sets").name("Latency per dimension set")
                .transform("Pre-aggregate latency sketches", Types.POJO(LatencyAccumulator.class), preAggregate)
                .uid("latency-sketches-local")
                .keyBy(a -> LatencyObservation.keyId(a.dimensionSet, a.eventType), Types.STRING)
                .window(TumblingEventTimeWindows.of(JobConfig.WINDOW_SIZE))
                .allowedLateness(config.allowedLateness())
                .aggregate(new MergePartials<>(new WebhookLatencyAggregate()), new WebhookLatencyWindowFunction(),
                        Types.POJO(LatencyAccumulator.class), Types.POJO(LatencyAccumulator.class),
                        Types.POJO(WebhookLatencyWindow.class))
                .uid("webhook-latency-1m").name("Webhook latency per minute");
    }

    /** Payout settlement times per minute, overall and per currency and method, from on-time payouts. */
    public static SingleOutputStreamOperator<SettlementTimeWindow> settlementTimes(DataStream<PayoutSettlement> payouts,
                                                                                   JobConfig config) {
        return payouts
                .flatMap(new SettlementDimensions(), Types.POJO(SettlementObservation.class))
                .uid("settlement-dimension-sets").name("Settlements per dimension set")
                .keyBy(SettlementObservation::keyId, Types.STRING)
                .window(TumblingEventTimeWindows.of(JobConfig.WINDOW_SIZE))
                .allowedLateness(config.allowedLateness())
                .aggregate(new SettlementTimeAggregate(), new SettlementTimeWindowFunction(),
                        Types.POJO(SettlementAccumulator.class), Types.POJO(SettlementAccumulator.class),
                        Types.POJO(SettlementTimeWindow.class))
                .uid("settlement-times-1m").name("Settlement times per minute");
    }

    /**
     * Bounded out-of-orderness on Stripe's {@code created}, advanced by each event that moves it (see
     * {@link StripeEventWatermarks}); a source that goes quiet for the idle timeout stops holding the
     * watermark back.
     */
    public static WatermarkStrategy<StripeEvent> watermarkStrategy(JobConfig config) {
        Duration outOfOrderness = config.outOfOrderness();
        return WatermarkStrategy.<StripeEvent>forGenerator(ctx -> new StripeEventWatermarks(outOfOrderness))
                .withTimestampAssigner((event, previous) -> event.createdMillis())
                .withIdleness(config.sourceIdleTimeout());
    }

    /**
     * The events of {@code source} with their event time, watermarked per Kafka partition: each
     * partition's events advance its own watermark and the source forwards the minimum. A generator
     * after the source would see a subtask's partitions interleaved fetch by fetch, so while the job
     * catches up on a backlog (after a restart, or the first deployment's backfill) one partition runs
     * minutes of event time ahead of another, and the slower one's events arrive behind the watermark:
     * windows re-fire for each of them, or, past the allowed lateness, miss them. Which events are late
     * then depends on fetch timing; per partition it depends only on the order Stripe's events were
     * written in.
     */
    public static DataStream<StripeEvent> kafkaEvents(StreamExecutionEnvironment env, KafkaSource<StripeEvent> source,
                                                      JobConfig config) {
        return env.fromSource(source, watermarkStrategy(config), "Kafka " + config.topic())
                .uid("kafka-stripe-events");
    }

    /**
     * The Kafka source of {@code stripe.events}: envelope headers and body into {@link StripeEvent}.
     * It starts from the group's committed offsets, or the earliest retained record for a new group,
     * so a first deployment backfills the topic's seven days.
     */
    public static KafkaSource<StripeEvent> kafkaSource(JobConfig config) {
        return kafkaSourceBuilder(config).build();
    }

    /**
     * The builder behind {@link #kafkaSource}, so a variant changes only what it must: tests add
     * {@code setBounded(OffsetsInitializer.latest())} to read a topic to its current end.
     */
    public static KafkaSourceBuilder<StripeEvent> kafkaSourceBuilder(JobConfig config) {
        return PipelineHealth.sourceBuilder(config, config.topic(), new StripeEventDeserializer());
    }
}
