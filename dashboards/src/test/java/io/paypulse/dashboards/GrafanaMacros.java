package io.paypulse.dashboards;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a panel's SQL into what Grafana's ClickHouse datasource (grafana-clickhouse-datasource 4.x) sends
 * to ClickHouse, in the plugin's order: the frontend first resolves {@code $__conditionalAll(condition, $var)}
 * (to {@code 1=1} when the variable is All or empty), then Grafana's template service replaces dashboard
 * variables (a multi-value list becomes {@code 'a','b'}), then the backend expands the plugin's macros
 * ({@code pkg/macros/macros.go} over {@code sqlutil.Interpolate}): a macro is {@code $__name} followed by a
 * word boundary, with arguments only when {@code (} follows at once, split at top-level commas and trimmed.
 */
final class GrafanaMacros {

    /** The backend macros of the ClickHouse plugin; every other {@code $__name} is left as it is. */
    static final Set<String> BACKEND_MACROS = Set.of("fromTime", "toTime", "fromTime_ms", "toTime_ms", "timeFilter",
            "timeFilter_ms", "dateFilter", "dateTimeFilter", "dt", "timeInterval", "timeInterval_ms", "interval_s");

    private static final String CONDITIONAL_ALL = "$__conditionalAll(";
    /** Grafana's template variable syntaxes: {@code $name}, {@code [[name]]}, {@code ${name}} (format suffixes unused here). */
    private static final Pattern VARIABLE = Pattern.compile("\\$(\\w+)|\\[\\[(\\w+?)]]|\\$\\{(\\w+)}");
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);

    /**
     * A dashboard variable's current value: {@code all} for Grafana's All (then {@code options} are every value
     * the variable's query returned, which is what Grafana substitutes), else the selected values.
     */
    record Variable(boolean all, List<String> selected, List<String> options) {
        static Variable allOf(List<String> options) {
            return new Variable(true, List.of(), List.copyOf(options));
        }

        static Variable of(String... values) {
            return new Variable(false, List.of(values), List.of());
        }

        List<String> values() {
            return all ? options : selected;
        }
    }

    /** What a panel query is run with: the dashboard's time range and the query interval Grafana computed. */
    record QueryContext(Instant from, Instant to, Duration interval, Map<String, Variable> variables) {
    }

    private GrafanaMacros() {
    }

    /** The SQL Grafana sends for {@code rawSql} in {@code context}. */
    static String expand(String rawSql, QueryContext context) {
        String sql = applyConditionalAll(rawSql, context.variables());
        sql = replaceVariables(sql, context.variables());
        return interpolate(sql, context);
    }

    /** The frontend's {@code applyConditionalAll}: innermost-last, as the plugin scans from the last occurrence. */
    static String applyConditionalAll(String sql, Map<String, Variable> variables) {
        int at = sql.lastIndexOf(CONDITIONAL_ALL);
        while (at >= 0) {
            List<String> args = frontendArgs(sql, at + CONDITIONAL_ALL.length() - 1);
            if (args.size() != 2) {
                return sql;
            }
            String variableRef = args.get(1).trim();
            Variable variable = variables.get(variableRef.substring(1));
            boolean everything = variable == null ? false : variable.all() || variable.selected().isEmpty()
                    || (variable.selected().size() == 1 && variable.selected().get(0).isEmpty());
            String phrase = everything ? "1=1" : args.get(0);
            // The plugin replaces the first occurrence of the exact macro text.
            String macro = CONDITIONAL_ALL + args.get(0) + "," + args.get(1) + ")";
            int index = sql.indexOf(macro);
            sql = sql.substring(0, index) + phrase + sql.substring(index + macro.length());
            at = sql.lastIndexOf(CONDITIONAL_ALL);
        }
        return sql;
    }

    /** The plugin's {@code getMacroArgs}: arguments between the bracket at {@code open} and its match, untrimmed. */
    private static List<String> frontendArgs(String sql, int open) {
        List<String> args = new ArrayList<>();
        int depth = 0;
        int argStart = open + 1;
        for (int i = open; i < sql.length(); i++) {
            char c = sql.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            }
            if (c == ',' && depth == 1) {
                args.add(sql.substring(argStart, i));
                argStart = i + 1;
            }
            if ((c == '(' || c == ')' || c == ',') && depth == 0) {
                args.add(sql.substring(argStart, i));
                return args;
            }
        }
        return List.of();
    }

    /** Grafana's template service with the plugin's formatter: a multi-value variable's list becomes {@code 'a','b'}. */
    static String replaceVariables(String sql, Map<String, Variable> variables) {
        Matcher m = VARIABLE.matcher(sql);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3);
            Variable variable = variables.get(name);
            String replacement = m.group();
            if (variable != null) {
                // The dashboards' variables are all multi-value, so Grafana hands the formatter a list, even of one.
                replacement = "'" + String.join("','", variable.values()) + "'";
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** The backend's {@code sqlutil.Interpolate} with the plugin's macros; longer names first, as recent versions do. */
    static String interpolate(String sql, QueryContext context) {
        List<String> names = new ArrayList<>(BACKEND_MACROS);
        names.sort(Comparator.comparingInt(String::length).reversed());
        for (String name : names) {
            Pattern macro = Pattern.compile("\\$__" + Pattern.quote(name) + "(?![0-9A-Za-z_])");
            Matcher m = macro.matcher(sql);
            while (m.find()) {
                Args args = backendArgs(sql, m.end());
                String full = sql.substring(m.start(), m.end() + args.length());
                String result = expandMacro(name, args.values(), context);
                sql = sql.replace(full, result);
                m = macro.matcher(sql);
            }
        }
        return sql;
    }

    private record Args(List<String> values, int length) {
    }

    /** sqlutil's {@code parseArgs}: only a bracket right after the name opens arguments; nested brackets stay in one. */
    private static Args backendArgs(String sql, int from) {
        if (from >= sql.length() || sql.charAt(from) != '(') {
            return new Args(List.of(), 0);
        }
        List<String> args = new ArrayList<>();
        StringBuilder arg = new StringBuilder();
        int depth = 0;
        for (int i = from; i < sql.length(); i++) {
            char c = sql.charAt(i);
            if (c == '(') {
                depth++;
                if (depth == 1) {
                    continue;
                }
            } else if (c == ')') {
                depth--;
                if (depth == 0) {
                    args.add(arg.toString().trim());
                    return new Args(args, i + 1 - from);
                }
            } else if (c == ',' && depth == 1) {
                args.add(arg.toString().trim());
                arg.setLength(0);
                continue;
            }
            arg.append(c);
        }
        throw new IllegalArgumentException("failed to parse macro arguments (missing close bracket?) in: " + sql);
    }

    private static String expandMacro(String name, List<String> args, QueryContext c) {
        Instant from = c.from();
        Instant to = c.to();
        BiFunction<String, String, String> range = (low, high) -> low + " AND " + high;
        return switch (name) {
            case "fromTime" -> dateTime(from);
            case "toTime" -> dateTime(to);
            case "fromTime_ms" -> dateTime64(from);
            case "toTime_ms" -> dateTime64(to);
            case "timeFilter" -> {
                String col = one(name, args);
                yield range.apply(col + " >= " + dateTime(from), col + " <= " + dateTime(to));
            }
            case "timeFilter_ms" -> {
                String col = one(name, args);
                yield range.apply(col + " >= " + dateTime64(from), col + " <= " + dateTime64(to));
            }
            case "dateFilter" -> {
                String col = one(name, args);
                yield range.apply(col + " >= " + date(from), col + " <= " + date(to));
            }
            case "dateTimeFilter", "dt" -> {
                if (args.size() != 2) {
                    throw new IllegalArgumentException("$__" + name + " expects 2 arguments, got " + args);
                }
                String d = args.get(0);
                String t = args.get(1);
                yield "(" + d + " >= " + date(from) + " AND " + d + " <= " + date(to) + ") AND ("
                        + t + " >= " + dateTime(from) + " AND " + t + " <= " + dateTime(to) + ")";
            }
            case "timeInterval" -> "toStartOfInterval(toDateTime(" + one(name, args) + "), INTERVAL "
                    + Math.max(c.interval().toSeconds(), 1) + " second)";
            case "timeInterval_ms" -> "toStartOfInterval(toDateTime64(" + one(name, args) + ", 3), INTERVAL "
                    + Math.max(c.interval().toMillis(), 1) + " millisecond)";
            case "interval_s" -> Long.toString(Math.max(c.interval().toSeconds(), 1));
            default -> throw new IllegalStateException("not a macro of the plugin: " + name);
        };
    }

    private static String one(String name, List<String> args) {
        if (args.size() != 1) {
            throw new IllegalArgumentException("$__" + name + " expects 1 argument, got " + args);
        }
        return args.get(0);
    }

    private static String dateTime(Instant t) {
        return "toDateTime(" + t.getEpochSecond() + ")";
    }

    private static String dateTime64(Instant t) {
        return "fromUnixTimestamp64Milli(" + t.toEpochMilli() + ")";
    }

    private static String date(Instant t) {
        return "toDate('" + DATE.format(t) + "')";
    }
}
