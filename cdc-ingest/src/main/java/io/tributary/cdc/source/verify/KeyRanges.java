package io.tributary.cdc.source.verify;

import io.tributary.cdc.event.KeyLiteral;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** Ranges of a primary key as MySQL reads them: their bounds, and their conditions ({@link KeyLiteral} keys). */
public final class KeyRanges {
    private KeyRanges() {}

    /**
     * The key {@code rows} keys after {@code lower} (exclusive; null: from the start) in key order, or null when
     * fewer are left: the upper bound of the range that starts there. {@code table} is quoted already.
     */
    public static List<String> upperBound(Connection c, String table, List<String> key, List<String> lower, long rows)
            throws SQLException {
        String cols = String.join(", ", key.stream().map(DigestColumn::mysqlQuoted).toList());
        String sql = "SELECT " + String.join(", ", key.stream().map(k -> "CAST(" + DigestColumn.mysqlQuoted(k) + " AS CHAR)")
                .toList()) + " FROM " + table + (lower == null ? "" : " WHERE " + where(key, lower, null)) + " ORDER BY "
                + cols + " LIMIT 1 OFFSET " + (rows - 1);
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            if (!rs.next()) {
                return null;
            }
            List<String> bound = new ArrayList<>();
            for (int i = 1; i <= key.size(); i++) {
                bound.add(rs.getString(i));
            }
            return bound;
        }
    }

    /**
     * {@code lower < key <= upper} in tuple order (a null bound is open), spelled out ({@code a > 1 OR a = 1 AND
     * b > 2}) so that MySQL reads an index range (a row comparison it does not turn into one). Bounds are
     * written as typed literals ({@link KeyLiteral#mysql}, which checks them), so they cannot change the statement.
     */
    public static String where(List<String> key, List<String> lower, List<String> upper) {
        List<String> parts = new ArrayList<>();
        if (lower != null) {
            parts.add("(" + compare(key, lower, ">", ">") + ")");
        }
        if (upper != null) {
            parts.add("(" + compare(key, upper, "<", "<=") + ")");
        }
        return parts.isEmpty() ? "1" : String.join(" AND ", parts);
    }

    private static String compare(List<String> key, List<String> bound, String strict, String last) {
        StringBuilder sql = new StringBuilder();
        for (int i = 0; i < key.size(); i++) {
            sql.append(i > 0 ? " OR " : "").append('(');
            for (int j = 0; j < i; j++) {
                sql.append(DigestColumn.mysqlQuoted(key.get(j))).append(" = ").append(KeyLiteral.mysql(bound.get(j))).append(" AND ");
            }
            sql.append(DigestColumn.mysqlQuoted(key.get(i))).append(' ').append(i == key.size() - 1 ? last : strict)
                    .append(' ').append(KeyLiteral.mysql(bound.get(i))).append(')');
        }
        return sql.toString();
    }
}
