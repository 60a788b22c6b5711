package io.tributary.cdc.source.snapshot;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * How MySQL orders a character key column: its character set, collation and pad attribute. Java
 * does not reproduce MySQL's collations (case- and accent-insensitive, {@code ß = ss}, PAD SPACE),
 * so the chunk engine orders such keys by the weights MySQL itself computes
 * ({@code WEIGHT_STRING}), which compare byte by byte exactly as the collation compares the strings
 * (checked against {@code ORDER BY} for every collation family in {@code KeyWeightsIT}).
 *
 * <p>Under a PAD SPACE collation a string compares as if padded with spaces without end, so
 * {@code 'a' = 'a '} and {@code 'a\t' < 'a'}, which the weights of the strings as they are would not
 * say (a prefix sorts first). Padding to the column's length ({@code WEIGHT_STRING(.. AS CHAR(n))}) is
 * not enough: a character may weigh as two ({@code ß} as {@code ss} in utf8mb4_unicode_ci), so equal
 * strings got weights of different lengths (seen in {@code KeyWeightsIT}). So trailing space weights
 * ({@link #padWeight}) are cut off, and {@link #compare} extends the shorter weight with space weights
 * as far as the longer goes. NO PAD collations ({@code utf8mb4_0900_*})
 * compare the strings as they are, and so do their weights.
 *
 * @param padWeight the weight of one space (upper-case hex) under a PAD SPACE collation, else null
 */
public record KeyCollation(String charset, String collation, String padWeight) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_]+");
    private static final Pattern HEX = Pattern.compile("([0-9A-F]{2})+");

    public KeyCollation {
        // Both names are spelled into SQL (WEIGHT_STRING takes no parameters for them): only MySQL's own names.
        if (!NAME.matcher(charset).matches() || !NAME.matcher(collation).matches()) {
            throw new IllegalArgumentException("unexpected character set or collation name: " + charset + " " + collation);
        }
        if (padWeight != null && !HEX.matcher(padWeight).matches()) {
            throw new IllegalArgumentException("not a weight: " + padWeight);
        }
    }

    public boolean padSpace() {
        return padWeight != null;
    }

    /** A weight as MySQL returned it ({@link #weightOf}), as {@link #compare} takes it: trailing space weights cut off. */
    public String trimmed(String weight) {
        if (padWeight == null) {
            return weight;
        }
        int end = weight.length();
        while (end >= padWeight.length() && weight.startsWith(padWeight, end - padWeight.length())) {
            end -= padWeight.length();
        }
        return weight.substring(0, end);
    }

    /** Orders two {@link #trimmed} weights as MySQL orders the strings: the shorter goes on in space weights. */
    public int compare(String a, String b) {
        int common = Math.min(a.length(), b.length());
        for (int i = 0; i < common; i++) {
            if (a.charAt(i) != b.charAt(i)) {
                return a.charAt(i) < b.charAt(i) ? -1 : 1;
            }
        }
        if (padWeight == null || a.length() == b.length()) {
            return Integer.compare(a.length(), b.length());
        }
        String longer = a.length() > b.length() ? a : b;
        for (int i = common; i < longer.length(); i++) {
            char pad = padWeight.charAt((i - common) % padWeight.length());
            if (longer.charAt(i) != pad) {
                int c = longer.charAt(i) < pad ? -1 : 1;
                return longer == a ? c : -c;
            }
        }
        return 0;
    }

    /** The weight of {@code expression} (a column, or {@link #parameter()}) as upper-case hex text, before {@link #trimmed}. */
    public String weightOf(String expression) {
        return "HEX(WEIGHT_STRING(" + expression + "))";
    }

    /** A statement parameter read as a value of this column's character set and collation. */
    public String parameter() {
        return "CONVERT(? USING " + charset + ") COLLATE " + collation;
    }

    /** The text a checkpoint keeps ({@link #parse} reads it back). */
    public String spec() {
        return charset + ":" + collation + ":" + (padWeight == null ? "NOPAD" : padWeight);
    }

    public static KeyCollation parse(String spec) {
        String[] parts = spec.split(":");
        if (parts.length != 3) {
            throw new IllegalArgumentException("not a key collation: " + spec);
        }
        return new KeyCollation(parts[0], parts[1], parts[2].equals("NOPAD") ? null : parts[2]);
    }

    /**
     * The collations of the character columns among {@code columns} of {@code database.table}, by column
     * name (other columns are absent).
     */
    public static Map<String, KeyCollation> read(Connection connection, String database, String table,
                                                 List<String> columns) throws SQLException {
        Map<String, KeyCollation> out = new HashMap<>();
        try (PreparedStatement ps = connection.prepareStatement("SELECT COLUMN_NAME, CHARACTER_SET_NAME, COLLATION_NAME "
                + "FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? "
                + "AND COLLATION_NAME IS NOT NULL")) {
            ps.setString(1, database);
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String column = rs.getString(1);
                    java.util.Optional<String> key = columns.stream().filter(column::equalsIgnoreCase).findFirst();
                    if (key.isPresent()) {
                        out.put(key.get(), new KeyCollation(rs.getString(2), rs.getString(3), null));
                    }
                }
            }
        }
        // The pad attribute and a space's weight are asked once the column list is read, not inside its result.
        for (Map.Entry<String, KeyCollation> e : out.entrySet()) {
            KeyCollation c = e.getValue();
            if (padSpace(connection, c.collation())) {
                e.setValue(new KeyCollation(c.charset(), c.collation(), c.spaceWeight(connection)));
            }
        }
        return out;
    }

    /** The weight of one space under this collation. */
    private String spaceWeight(Connection connection) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT HEX(WEIGHT_STRING(" + parameter() + " AS CHAR(1)))")) {
            ps.setString(1, " ");
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    /** MySQL 8 names the pad attribute; MariaDB's NO PAD collations say so in their name. */
    private static boolean padSpace(Connection connection, String collation) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT PAD_ATTRIBUTE FROM information_schema.COLLATIONS WHERE COLLATION_NAME = ?")) {
            ps.setString(1, collation);
            try (ResultSet rs = ps.executeQuery()) {
                return !rs.next() || !"NO PAD".equalsIgnoreCase(rs.getString(1));
            }
        } catch (SQLException noSuchColumn) {
            if (noSuchColumn.getErrorCode() != 1054) {
                throw noSuchColumn;
            }
            return !collation.toLowerCase(Locale.ROOT).contains("nopad");
        }
    }
}
