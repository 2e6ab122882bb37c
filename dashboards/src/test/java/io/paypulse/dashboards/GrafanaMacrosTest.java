package io.paypulse.dashboards;

import io.paypulse.dashboards.GrafanaMacros.QueryContext;
import io.paypulse.dashboards.GrafanaMacros.Variable;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The expansions the plugin's own tests and docs show, so the ITCase runs what Grafana would send. */
class GrafanaMacrosTest {

    private static final Instant FROM = Instant.parse("2026-11-24T10:00:00.250Z");
    private static final Instant TO = Instant.parse("2026-11-24T13:00:00.750Z");
    private static final long FROM_S = FROM.getEpochSecond();
    private static final long TO_S = TO.getEpochSecond();

    private static String expand(String sql, Duration interval, Map<String, Variable> variables) {
        return GrafanaMacros.expand(sql, new QueryContext(FROM, TO, interval, variables));
    }

    private static String expand(String sql) {
        return expand(sql, Duration.ofMinutes(1), Map.of());
    }

    @Test
    void timeFilterComparesWithWholeSecondsOnBothEnds() {
        assertEquals("WHERE ts >= toDateTime(" + FROM_S + ") AND ts <= toDateTime(" + TO_S + ")",
                expand("WHERE $__timeFilter(ts)"));
        assertEquals("ts >= fromUnixTimestamp64Milli(" + FROM.toEpochMilli() + ") AND ts <= fromUnixTimestamp64Milli("
                + TO.toEpochMilli() + ")", expand("$__timeFilter_ms(ts)"));
    }

    @Test
    void anArgumentMayHoldBracketsAndCommas() {
        assertEquals("toDateTime(x, 'UTC') >= toDateTime(" + FROM_S + ") AND toDateTime(x, 'UTC') <= toDateTime(" + TO_S + ")",
                expand("$__timeFilter( toDateTime(x, 'UTC') )"));
    }

    @Test
    void timeBoundsAndDates() {
        assertEquals("toDateTime(" + FROM_S + ") toDateTime(" + TO_S + ")", expand("$__fromTime $__toTime"));
        assertEquals("fromUnixTimestamp64Milli(" + FROM.toEpochMilli() + ")", expand("$__fromTime_ms"));
        assertEquals("d >= toDate('2026-11-24') AND d <= toDate('2026-11-24')", expand("$__dateFilter(d)"));
        assertEquals("(d >= toDate('2026-11-24') AND d <= toDate('2026-11-24')) AND (t >= toDateTime(" + FROM_S
                + ") AND t <= toDateTime(" + TO_S + "))", expand("$__dt(d, t)"));
    }

    @Test
    void intervalsAreWholeSecondsOrMillisecondsAndAtLeastOne() {
        assertEquals("toStartOfInterval(toDateTime(ts), INTERVAL 60 second)", expand("$__timeInterval(ts)"));
        assertEquals("toStartOfInterval(toDateTime64(ts, 3), INTERVAL 1500 millisecond)",
                expand("$__timeInterval_ms(ts)", Duration.ofMillis(1500), Map.of()));
        assertEquals("1", expand("$__interval_s", Duration.ofMillis(200), Map.of()));
    }

    @Test
    void aMacroWithoutArgumentsDoesNotSwallowALaterBracket() {
        // sqlutil reads arguments only from a bracket right after the name (grafana/sqlds#82).
        assertEquals("sum(x) / 60 AS r, count()", expand("sum(x) / $__interval_s AS r, count()"));
        assertEquals("60*(a + b)", expand("$__interval_s*(a + b)"));
    }

    @Test
    void aLongerMacroIsNotTakenForAShorterOne() {
        assertEquals("toStartOfInterval(toDateTime64(ts, 3), INTERVAL 60000 millisecond)", expand("$__timeInterval_ms(ts)"));
        assertEquals("$__timeFilterEpoch(ts)", expand("$__timeFilterEpoch(ts)"));
    }

    @Test
    void conditionalAllDropsTheConditionForAllAndKeepsItForASelection() {
        String sql = "WHERE $__conditionalAll(card_brand IN ($brand), $brand) AND x";
        assertEquals("WHERE 1=1 AND x", expand(sql, Duration.ofMinutes(1),
                Map.of("brand", Variable.allOf(List.of("visa", "amex")))));
        assertEquals("WHERE card_brand IN ('visa','amex') AND x", expand(sql, Duration.ofMinutes(1),
                Map.of("brand", Variable.of("visa", "amex"))));
        assertEquals("WHERE card_brand IN ('visa') AND x", expand(sql, Duration.ofMinutes(1),
                Map.of("brand", Variable.of("visa"))));
    }

    @Test
    void allOutsideConditionalAllListsEveryOption() {
        assertEquals("c IN ('visa','amex')", GrafanaMacros.replaceVariables("c IN ($brand)",
                Map.of("brand", Variable.allOf(List.of("visa", "amex")))));
        assertEquals("$other and ${other}", GrafanaMacros.replaceVariables("$other and ${other}", Map.of()));
    }

    @Test
    void anUnclosedMacroIsAnError() {
        assertThrows(IllegalArgumentException.class, () -> expand("WHERE $__timeFilter(ts"));
    }
}
