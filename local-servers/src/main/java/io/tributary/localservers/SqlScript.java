package io.tributary.localservers;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a mysql-client style script over JDBC: honours {@code DELIMITER} lines, quotes and
 * comments, so dumps such as Sakila's (triggers, procedures) load without the mysql client.
 */
public final class SqlScript {
    private SqlScript() {}

    public static void run(Connection connection, Path script) throws IOException, SQLException {
        List<String> statements = split(Files.readString(script, StandardCharsets.UTF_8));
        try (Statement st = connection.createStatement()) {
            for (String sql : statements) {
                try {
                    st.execute(sql);
                } catch (SQLException e) {
                    String head = sql.length() > 200 ? sql.substring(0, 200) + "..." : sql;
                    throw new SQLException(script.getFileName() + ": " + e.getMessage() + " in: " + head, e);
                }
            }
        }
    }

    /** Splits a script into statements (without their delimiters). */
    public static List<String> split(String script) {
        List<String> out = new ArrayList<>();
        String delimiter = ";";
        StringBuilder current = new StringBuilder();
        int i = 0;
        int n = script.length();
        boolean lineStart = true;
        while (i < n) {
            if (lineStart && script.regionMatches(true, i, "DELIMITER ", 0, 10) && current.toString().isBlank()) {
                int end = script.indexOf('\n', i);
                end = end < 0 ? n : end;
                delimiter = script.substring(i + 10, end).trim();
                i = end + 1;
                continue;
            }
            char c = script.charAt(i);
            lineStart = false;
            if (c == '\'' || c == '"' || c == '`') {
                int end = closingQuote(script, i, c);
                current.append(script, i, end);
                i = end;
                continue;
            }
            if (c == '-' && isDashComment(script, i) || c == '#') {
                int end = script.indexOf('\n', i);
                i = end < 0 ? n : end;
                continue;
            }
            if (c == '/' && script.startsWith("/*", i)) {
                int end = script.indexOf("*/", i + 2);
                end = end < 0 ? n : end + 2;
                if (script.startsWith("/*!", i)) {
                    current.append(script, i, end);
                }
                i = end;
                continue;
            }
            if (script.startsWith(delimiter, i)) {
                addStatement(out, current);
                i += delimiter.length();
                continue;
            }
            current.append(c);
            if (c == '\n') {
                lineStart = true;
            }
            i++;
        }
        addStatement(out, current);
        return out;
    }

    private static boolean isDashComment(String s, int i) {
        return s.startsWith("--", i) && (i + 2 == s.length() || Character.isWhitespace(s.charAt(i + 2)));
    }

    private static int closingQuote(String s, int start, char quote) {
        int i = start + 1;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '\\' && quote != '`') {
                i += 2;
                continue;
            }
            if (c == quote) {
                if (i + 1 < s.length() && s.charAt(i + 1) == quote) {
                    i += 2;
                    continue;
                }
                return i + 1;
            }
            i++;
        }
        return s.length();
    }

    private static void addStatement(List<String> out, StringBuilder current) {
        String sql = current.toString().trim();
        if (!sql.isEmpty()) {
            out.add(sql);
        }
        current.setLength(0);
    }
}
