package io.paypulse.simulator;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Who pays, with what, and how often it fails: the segments of an international card business (mostly
 * US, Brazil and Europe, a little Mexico and Japan, some bank debits), with decline rates and reasons
 * in the ranges card networks and Stripe publish, and its volume over the day and the week.
 */
public record TrafficMix(List<Segment> segments) {

    public TrafficMix {
        segments = List.copyOf(segments);
        if (segments.isEmpty()) {
            throw new IllegalArgumentException("a traffic mix needs at least one segment");
        }
    }

    /** Card declines: generic and insufficient funds lead, then issuer refusals, expiry, CVC, and Radar blocks. */
    static final List<DeclineReason> CARD = List.of(
            new DeclineReason("card_declined", "generic_decline", "05", "issuer_declined", 30),
            new DeclineReason("card_declined", "insufficient_funds", "51", "issuer_declined", 24),
            new DeclineReason("card_declined", "do_not_honor", "05", "issuer_declined", 10),
            new DeclineReason("expired_card", "expired_card", "54", "issuer_declined", 7),
            new DeclineReason("incorrect_cvc", "incorrect_cvc", "N7", "issuer_declined", 6),
            new DeclineReason("card_declined", "transaction_not_allowed", "57", "issuer_declined", 4),
            new DeclineReason("card_declined", "card_velocity_exceeded", "61", "issuer_declined", 3),
            new DeclineReason("card_declined", "fraudulent", "59", "issuer_declined", 3),
            new DeclineReason("card_declined", "highest_risk_level", null, "blocked", 8),
            new DeclineReason("incorrect_number", "incorrect_number", null, "invalid", 3),
            new DeclineReason("processing_error", "processing_error", "96", "issuer_declined", 2));

    /** Bank debits fail for money and mandates, never at a card network. */
    static final List<DeclineReason> BANK_DEBIT = List.of(
            new DeclineReason("insufficient_funds", "insufficient_funds", null, "issuer_declined", 60),
            new DeclineReason("debit_not_authorized", "debit_not_authorized", null, "issuer_declined", 25),
            new DeclineReason("account_closed", "account_closed", null, "issuer_declined", 10),
            new DeclineReason("bank_account_restricted", "bank_account_restricted", null, "issuer_declined", 5));

    /** The mix every built-in scenario uses. */
    public static TrafficMix standard() {
        List<Segment> s = new ArrayList<>();
        s.add(card("visa", "US", "usd", "credit", 0.20, 0.040, CARD));
        s.add(card("visa", "US", "usd", "debit", 0.09, 0.060, moreOften(CARD, "insufficient_funds", 2)));
        s.add(card("mastercard", "US", "usd", "credit", 0.11, 0.045, CARD));
        s.add(card("amex", "US", "usd", "credit", 0.05, 0.030, CARD));
        s.add(card("visa", "US", "usd", "prepaid", 0.02, 0.150, moreOften(CARD, "insufficient_funds", 4)));
        // Brazilian issuers decline more, and answer "do not honor" (05) far more often.
        s.add(card("visa", "BR", "brl", "credit", 0.18, 0.080, moreOften(CARD, "do_not_honor", 3)));
        s.add(card("mastercard", "BR", "brl", "credit", 0.07, 0.090, moreOften(CARD, "do_not_honor", 3)));
        s.add(card("visa", "GB", "gbp", "debit", 0.06, 0.050, CARD));
        s.add(card("mastercard", "DE", "eur", "credit", 0.04, 0.050, CARD));
        s.add(card("visa", "FR", "eur", "debit", 0.03, 0.055, CARD));
        s.add(card("visa", "MX", "mxn", "credit", 0.03, 0.120, moreOften(CARD, "do_not_honor", 2)));
        s.add(card("jcb", "JP", "jpy", "credit", 0.02, 0.060, CARD));
        s.add(new Segment("sepa_debit", "", "DE", "eur", "", 0.05, 0.015, BANK_DEBIT));
        s.add(new Segment("us_bank_account", "", "US", "usd", "", 0.05, 0.010, BANK_DEBIT));
        return new TrafficMix(s);
    }

    /** Volume relative to the daily peak: a third at 04:00 UTC, full at 16:00 UTC, a quarter lower at weekends. */
    public static double volumeLevel(long epochSecond) {
        double hour = Math.floorMod(epochSecond, 86_400L) / 3600.0;
        double daily = 0.35 + 0.65 * (0.5 - 0.5 * Math.cos((hour - 4) / 24 * 2 * Math.PI));
        DayOfWeek day = ZonedDateTime.ofInstant(Instant.ofEpochSecond(epochSecond), ZoneOffset.UTC).getDayOfWeek();
        boolean weekend = day == DayOfWeek.SATURDAY || day == DayOfWeek.SUNDAY;
        return daily * (weekend ? 0.75 : 1.0);
    }

    public double totalShare() {
        return segments.stream().mapToDouble(Segment::share).sum();
    }

    /** Typical charge amount, in the currency's smallest unit (yen have none smaller). */
    static final Map<String, Long> MEDIAN_AMOUNT = Map.of("usd", 4_500L, "brl", 18_000L, "gbp", 3_800L, "eur", 4_200L,
            "mxn", 75_000L, "jpy", 5_500L);

    /** Days from a payout's creation to its arrival, by currency (standard payouts). */
    static final Map<String, Double> PAYOUT_DAYS = Map.of("usd", 2.0, "brl", 2.0, "gbp", 3.0, "eur", 3.0, "mxn", 3.0,
            "jpy", 4.0);

    private static Segment card(String brand, String country, String currency, String funding, double share,
                                double declineRate, List<DeclineReason> declines) {
        return new Segment("card", brand, country, currency, funding, share, declineRate, declines);
    }

    private static List<DeclineReason> moreOften(List<DeclineReason> reasons, String declineCode, double factor) {
        return reasons.stream().map(r -> r.declineCode().equals(declineCode) ? r.withWeight(r.weight() * factor) : r).toList();
    }
}
