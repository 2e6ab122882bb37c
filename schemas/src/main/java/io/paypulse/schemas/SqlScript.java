package io.paypulse.schemas;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a SQL file into statements. ClickHouse's HTTP interface runs one statement per request, so
 * a migration file has to be cut on {@code ;}, but not on one inside a string, a quoted identifier or
 * a comment. Comments are dropped from the output.
 */
final class SqlScript {

    private SqlScript() {
    }

    /** The statements of {@code sql} in order, trimmed, without comments and without the {@code ;}. */
    static List<String> split(String sql) {
        List<String> statements = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        int i = 0;
        int n = sql.length();
        while (i < n) {
            char c = sql.charAt(i);
            if (c == '\'' || c == '"' || c == '`') {
                int end = endOfQuoted(sql, i);
                current.append(sql, i, end);
                i = end;
            } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                int newline = sql.indexOf('\n', i);
                i = newline < 0 ? n : newline;
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                int close = sql.indexOf("*/", i + 2);
                if (close < 0) {
                    throw new IllegalArgumentException("Unterminated /* comment starting on line " + lineOf(sql, i));
                }
                // A space, so that "a/* x */b" does not glue two tokens together.
                current.append(' ');
                i = close + 2;
            } else if (c == ';') {
                add(statements, current);
                i++;
            } else {
                current.append(c);
                i++;
            }
        }
        add(statements, current);
        return List.copyOf(statements);
    }

    /** Index just past the closing quote of the literal or identifier opening at {@code start}. */
    private static int endOfQuoted(String sql, int start) {
        char quote = sql.charAt(start);
        int i = start + 1;
        while (i < sql.length()) {
            char c = sql.charAt(i);
            if (c == '\\') {
                // ClickHouse accepts backslash escapes inside quotes: \' does not close the string.
                i += 2;
            } else if (c == quote) {
                // A doubled quote ('it''s') is an escaped quote, not the end.
                if (i + 1 < sql.length() && sql.charAt(i + 1) == quote) {
                    i += 2;
                } else {
                    return i + 1;
                }
            } else {
                i++;
            }
        }
        throw new IllegalArgumentException("Unterminated " + quote + " quote starting on line " + lineOf(sql, start));
    }

    private static void add(List<String> statements, StringBuilder current) {
        String statement = current.toString().strip();
        if (!statement.isEmpty()) {
            statements.add(statement);
        }
        current.setLength(0);
    }

    private static int lineOf(String sql, int index) {
        int line = 1;
        for (int i = 0; i < index; i++) {
            if (sql.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }
}
