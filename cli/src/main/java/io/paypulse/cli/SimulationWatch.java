package io.paypulse.cli;

import io.paypulse.schemas.ClickHouseConfig;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What a simulation has produced in ClickHouse so far: decline-rate windows and incidents since the
 * scenario began, read over ClickHouse's HTTP interface for {@code run --simulate}'s status line.
 */
final class SimulationWatch {

    /** One incident, as the {@code incidents} view shows it. */
    record IncidentRow(String id, String status, String summary, String metric, long openedAt, long resolvedAt) {
        boolean open() {
            return "open".equals(status);
        }
    }

    /** The newest all-traffic window and how many windows there are. */
    record Snapshot(long windows, long lastWindowStart, long lastAttempts, double lastDeclineRate, List<IncidentRow> incidents) {
        long open() {
            return incidents.stream().filter(IncidentRow::open).count();
        }
    }

    private final ClickHouseConfig config;
    private final long sinceEpochSecond;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    SimulationWatch(ClickHouseConfig config, long sinceEpochSecond) {
        this.config = config;
        this.sinceEpochSecond = sinceEpochSecond;
    }

    Snapshot poll() throws IOException, InterruptedException {
        String db = config.database();
        long[] windows = {0, 0};
        for (String[] row : query("SELECT count(), toUnixTimestamp(max(window_start)) FROM " + db + ".decline_rates"
                + " WHERE dimension_set = 'all' AND window_start >= " + sinceEpochSecond)) {
            windows[0] = Long.parseLong(row[0]);
            windows[1] = Long.parseLong(row[1]);
        }
        long attempts = 0;
        double rate = 0;
        // The newest window may still be filling with late deliveries: the one before it is complete.
        for (String[] row : query("SELECT attempts, decline_rate FROM " + db + ".decline_rates WHERE dimension_set = 'all'"
                + " AND window_start >= " + sinceEpochSecond + " ORDER BY window_start DESC LIMIT 1 OFFSET 1")) {
            attempts = Long.parseLong(row[0]);
            rate = Double.parseDouble(row[1]);
        }
        List<IncidentRow> incidents = new ArrayList<>();
        // The page's summary (alerts) names the incident by its most specific series; the view's is its worst one.
        for (String[] row : query("SELECT i.incident_id, i.status, if(p.page != '', p.page, i.summary), i.metric,"
                + " toUnixTimestamp(i.opened_at), toUnixTimestamp(ifNull(i.resolved_at, toDateTime(0)))"
                + " FROM " + db + ".incidents AS i LEFT JOIN (SELECT incident_id, any(summary) AS page FROM " + db
                + ".alerts FINAL WHERE action = 'trigger' GROUP BY incident_id) AS p ON p.incident_id = i.incident_id"
                + " WHERE i.opened_at >= " + sinceEpochSecond + " ORDER BY i.opened_at, i.incident_id")) {
            incidents.add(new IncidentRow(row[0], row[1], row[2], row[3], Long.parseLong(row[4]), Long.parseLong(row[5])));
        }
        return new Snapshot(windows[0], windows[1] - 60, attempts, rate, incidents);
    }

    private List<String[]> query(String sql) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(config.url() + "/"))
                .timeout(Duration.ofSeconds(5))
                .POST(HttpRequest.BodyPublishers.ofString(sql + " FORMAT TabSeparated", StandardCharsets.UTF_8));
        if (!config.password().isEmpty() || !ClickHouseConfig.DEFAULT_USER.equals(config.user())) {
            request.header("X-ClickHouse-User", config.user()).header("X-ClickHouse-Key", config.password());
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        if (response.statusCode() != 200) {
            String body = response.body().strip();
            throw new IOException("ClickHouse answered " + response.statusCode() + ": "
                    + (body.length() > 200 ? body.substring(0, 200) + "..." : body));
        }
        List<String[]> rows = new ArrayList<>();
        for (String line : response.body().split("\n")) {
            if (!line.isEmpty()) {
                String[] cells = line.split("\t", -1);
                for (int i = 0; i < cells.length; i++) {
                    cells[i] = unescape(cells[i]);
                }
                rows.add(cells);
            }
        }
        return rows;
    }

    /** A TabSeparated cell as ClickHouse escapes it: backslash before \\, ', tab, newline and a few controls. */
    static String unescape(String cell) {
        if (cell.indexOf('\\') < 0) {
            return cell;
        }
        StringBuilder out = new StringBuilder(cell.length());
        for (int i = 0; i < cell.length(); i++) {
            char c = cell.charAt(i);
            if (c != '\\' || i + 1 == cell.length()) {
                out.append(c);
                continue;
            }
            char next = cell.charAt(++i);
            out.append(switch (next) {
                case 't' -> '\t';
                case 'n' -> '\n';
                case 'r' -> '\r';
                case 'b' -> '\b';
                case 'f' -> '\f';
                case '0' -> '\0';
                default -> next; // \\, \' and anything else escaped stand for themselves
            });
        }
        return out.toString();
    }
}
