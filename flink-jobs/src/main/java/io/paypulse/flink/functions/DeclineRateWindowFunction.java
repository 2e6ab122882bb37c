package io.paypulse.flink.functions;

import io.paypulse.flink.model.DeclineRateWindow;
import io.paypulse.flink.model.DimensionKey;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/**
 * Turns the counts of a fired window into its {@code decline_rates_1m} row. Fires again for every
 * late attempt within the allowed lateness; the attempt count is the version, so the re-fired row
 * replaces the earlier one.
 */
public class DeclineRateWindowFunction extends ProcessWindowFunction<DeclineCounts, DeclineRateWindow, String, TimeWindow> {

    private static final long serialVersionUID = 1L;

    @Override
    public void process(String keyId, Context context, Iterable<DeclineCounts> counts, Collector<DeclineRateWindow> out) {
        DeclineCounts c = counts.iterator().next();
        DimensionKey k = c.key;
        out.collect(new DeclineRateWindow(context.window().getStart() / 1000, k.dimensionSet(),
                k.paymentMethodType(), k.cardBrand(), k.cardCountry(), k.cardFunding(), k.currency(),
                k.failureCode(), k.networkDeclineCode(), k.account(),
                c.attempts, c.approved, c.declined, c.outcomeAuthorized, c.outcomeManualReview,
                c.outcomeIssuerDeclined, c.outcomeBlocked, c.outcomeInvalid, c.outcomeOther, c.attempts));
    }
}
