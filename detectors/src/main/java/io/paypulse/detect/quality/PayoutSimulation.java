package io.paypulse.detect.quality;

import io.paypulse.detect.Kind;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;

/**
 * The payouts of a platform with a few connected accounts, as the job's settlement windows would show
 * them. Each account is paid out automatically every business day at its own time of day (give or take
 * a few minutes), and the money arrives at 00:00 UTC after the account's number of business days, so a
 * Thursday payout takes two days longer than a Monday one; now and then a manual payout goes out at any
 * hour. A payout fails rarely (bank details changed, account closed). Windows are per minute of payout
 * creation: settlement = p95 of the paid payouts' arrival − created; failures = failed payouts.
 */
public final class PayoutSimulation {

    public static final String SETTLEMENT = "settlement:p95";
    public static final String FAILURES = "payouts:failed";

    private static final double BASE_FAILURE = 0.003;
    private static final double MANUAL_PAYOUTS_PER_DAY = 0.15;

    public record Account(String currency, int minuteOfDay, int businessDays) {
    }

    public enum Effect {
        /** Payouts arrive {@code a} business days later than scheduled. */
        DELAY,
        /** Payouts of the target account (or every account, target null) fail with probability {@code a}. */
        FAIL
    }

    private record Disruption(Effect effect, String account, double a, long start, long end) {
        boolean hits(long t, String currency) {
            return t >= start && t < end && (account == null || account.equals(currency));
        }
    }

    private final String name;
    private final String description;
    private final long seed;
    private final int weeks;
    private final List<Account> accounts;
    private final List<Disruption> disruptions = new ArrayList<>();
    private final List<Incident> incidents = new ArrayList<>();

    public PayoutSimulation(String name, String description, long seed, int weeks, List<Account> accounts) {
        this.name = name;
        this.description = description;
        this.seed = seed;
        this.weeks = weeks;
        this.accounts = List.copyOf(accounts);
    }

    /** Labels an incident from {@code day} (0 = the first Monday) 00:00 UTC for {@code spanDays} days. */
    public PayoutSimulation incident(String type, int day, int spanDays, String series, Effect effect, String account, double a) {
        long start = MerchantSimulation.START + day * 86400L;
        long end = start + spanDays * 86400L;
        disruptions.add(new Disruption(effect, account, a, start, end));
        incidents.add(new Incident(type, start, end, List.of(series)));
        return this;
    }

    public Scenario run() {
        Random random = new Random(seed);
        // Per minute of creation: settlement seconds of paid payouts, and failures.
        TreeMap<Long, List<Long>> paid = new TreeMap<>();
        TreeMap<Long, Integer> failed = new TreeMap<>();
        for (int day = 0; day < weeks * 7; day++) {
            int weekday = day % 7;
            long dayStart = MerchantSimulation.START + day * 86400L;
            if (weekday < 5) {
                for (Account account : accounts) {
                    long created = dayStart + account.minuteOfDay() * 60L + (random.nextInt(17) - 8) * 60L + random.nextInt(60);
                    payout(random, account, day, created, paid, failed);
                }
            }
            if (weekday < 5 && Sampling.chance(random, MANUAL_PAYOUTS_PER_DAY)) {
                Account account = accounts.get(random.nextInt(accounts.size()));
                long created = dayStart + (8 * 60 + random.nextInt(12 * 60)) * 60L + random.nextInt(60);
                payout(random, account, day, created, paid, failed);
            }
        }
        LabelledSeries.Builder settlement = new LabelledSeries.Builder(SETTLEMENT, Kind.SETTLEMENT);
        LabelledSeries.Builder failures = new LabelledSeries.Builder(FAILURES, Kind.FAILURES);
        TreeMap<Long, Boolean> windows = new TreeMap<>();
        paid.keySet().forEach(w -> windows.put(w, true));
        failed.keySet().forEach(w -> windows.put(w, true));
        for (long window : windows.keySet()) {
            List<Long> seconds = paid.getOrDefault(window, List.of());
            int fails = failed.getOrDefault(window, 0);
            if (!seconds.isEmpty()) {
                List<Long> sorted = new ArrayList<>(seconds);
                sorted.sort(null);
                settlement.add(window, sorted.get((int) Math.floor(0.95 * (sorted.size() - 1))), sorted.size());
            }
            failures.add(window, fails, seconds.size() + fails);
        }
        return new Scenario(name, description, List.of(settlement.build(), failures.build()), incidents);
    }

    private void payout(Random random, Account account, int day, long created, TreeMap<Long, List<Long>> paid,
                        TreeMap<Long, Integer> failed) {
        double failure = BASE_FAILURE;
        int extraDays = 0;
        for (Disruption d : disruptions) {
            if (d.hits(created, account.currency())) {
                if (d.effect() == Effect.FAIL) {
                    failure = Math.max(failure, d.a());
                } else {
                    extraDays += (int) d.a();
                }
            }
        }
        long window = created - Math.floorMod(created, 60L);
        if (Sampling.chance(random, failure)) {
            failed.merge(window, 1, Integer::sum);
            return;
        }
        long arrival = MerchantSimulation.START + addBusinessDays(day, account.businessDays() + extraDays) * 86400L;
        paid.computeIfAbsent(window, w -> new ArrayList<>()).add(arrival - created);
    }

    /** The day index {@code n} business days after {@code day} (0 = a Monday). */
    static int addBusinessDays(int day, int n) {
        int d = day;
        int left = n;
        while (left > 0) {
            d++;
            if (d % 7 < 5) {
                left--;
            }
        }
        return d;
    }
}
