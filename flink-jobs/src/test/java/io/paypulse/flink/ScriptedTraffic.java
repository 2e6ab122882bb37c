package io.paypulse.flink;

import io.paypulse.infra.stripe.StripeEventSamples;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import static io.paypulse.flink.TestEvents.DAY;
import static io.paypulse.flink.TestEvents.T0;

/** The scripted Stripe traffic ({@link #records}) of the tests that compare one run of the job with another. */
final class ScriptedTraffic {

    static final int EVENTS = 360;

    private static final String[] BRANDS = {"visa", "mastercard", "amex"};
    private static final String[][] COUNTRY_CURRENCY = {{"US", "usd"}, {"GB", "gbp"}, {"BR", "brl"}, {"DE", "eur"}};
    private static final String[][] DECLINES = {{"card_declined", "05"}, {"insufficient_funds", "51"},
            {"do_not_honor", "05"}, {"expired_card", "54"}};

    private ScriptedTraffic() {
    }

    enum Kind { CHARGE, PAYOUT_PAID, PAYOUT_FAILED, PAYMENT_INTENT }

    /** How many of the script's events are of one of {@code kinds}. */
    static long scripted(Kind... kinds) {
        List<Kind> wanted = List.of(kinds);
        return IntStream.range(0, EVENTS).filter(i -> wanted.contains(kind(i))).count();
    }

    private static Kind kind(int i) {
        return switch (i % 10) {
            case 7 -> Kind.PAYOUT_PAID;
            case 8 -> i % 20 == 8 ? Kind.PAYOUT_FAILED : Kind.PAYMENT_INTENT;
            default -> Kind.CHARGE;
        };
    }

    /**
     * One event a second for six minutes from {@link TestEvents#T0}: charges approved and declined
     * across brands, countries, currencies, decline codes and Connect accounts, payouts paid and
     * failed, PaymentIntents; and Stripe's retries, each a redelivery of an event 45 records earlier
     * that reaches another bridge instance three minutes later, so that originals before the
     * checkpoint have redeliveries after it.
     */
    static List<ProducerRecord<byte[], byte[]>> records(BridgeTopic topic) {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        List<String> bodies = new ArrayList<>();
        for (int i = 0; i < EVENTS; i++) {
            String body = body(i);
            bodies.add(body);
            records.add(topic.record(body, receivedAt(i), "bridge-a"));
            int retried = i - 45;
            if (retried >= 0 && retried % 17 == 3) {
                records.add(topic.record(bodies.get(retried), receivedAt(retried) + 180_000, "bridge-b"));
            }
        }
        return records;
    }

    private static long receivedAt(int i) {
        return (T0 + i) * 1000 + 120 + (i * 37L) % 900;
    }

    private static String body(int i) {
        long created = T0 + i;
        String id = "r" + i;
        String[] country = COUNTRY_CURRENCY[(i / 2) % COUNTRY_CURRENCY.length];
        String body = switch (kind(i)) {
            case PAYOUT_PAID -> i % 3 == 0
                    ? StripeEventSamples.payout("evt_" + id, "payout.paid", "po_" + id, created, created + 1800, 5000 + i,
                            country[1], "instant")
                    : StripeEventSamples.payout("evt_" + id, "payout.paid", "po_" + id, created, created + DAY * (1 + i % 3),
                            5000 + i, country[1], "standard");
            case PAYOUT_FAILED -> StripeEventSamples.payout("evt_" + id, "payout.failed", "po_" + id, created,
                    created + 2 * DAY, 5000 + i, country[1], "standard");
            case PAYMENT_INTENT -> StripeEventSamples.paymentIntent("evt_" + id, "payment_intent.succeeded", "pi_" + id,
                    created, 1000 + i, country[1]);
            case CHARGE -> {
                String brand = BRANDS[(i / 3) % BRANDS.length];
                if (i % 3 == 1) {
                    String[] decline = DECLINES[(i / 5) % DECLINES.length];
                    yield StripeEventSamples.chargeFailed("evt_" + id, "ch_" + id, created, brand, country[0],
                            1000 + i, country[1], decline[0], decline[1]);
                }
                yield StripeEventSamples.chargeSucceeded("evt_" + id, "ch_" + id, created, brand, country[0], 1000 + i,
                        country[1]);
            }
        };
        return i % 9 == 0 ? TestEvents.forAccount(body, "acct_" + (i % 2 == 0 ? "even" : "odd")) : body;
    }
}
