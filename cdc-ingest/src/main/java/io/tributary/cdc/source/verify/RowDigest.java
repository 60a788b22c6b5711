package io.tributary.cdc.source.verify;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A checksum of a set of rows that both servers compute themselves, so a chunk is compared by moving
 * two numbers instead of its rows: each row's columns become one text ({@link DigestColumn}: parts
 * joined by {@code ;}, character values prefixed with their length, so no two rows read alike), the
 * row's hash is the first 64 bits of its MD5, and the checksum is the row count with the sum of the hashes. A sum (not an XOR) keeps a
 * duplicated row visible, so it serves tables without a key (multisets) too; the sum is exact on both
 * sides (MySQL's DECIMAL, ClickHouse's UInt128).
 */
public final class RowDigest {
    private final List<DigestColumn> columns;

    public RowDigest(List<DigestColumn> columns) {
        if (columns.isEmpty()) {
            throw new IllegalArgumentException("a row digest needs at least one column");
        }
        this.columns = List.copyOf(columns);
    }

    public List<DigestColumn> columns() {
        return columns;
    }

    /** The columns only NULL-ness of which is checksummed (empty when every value is). */
    public List<String> nullOnlyColumns() {
        return columns.stream().filter(c -> !c.valueChecksummed()).map(DigestColumn::name).toList();
    }

    /** {@code SELECT COUNT(*), <sum>} for MySQL over {@code from}; {@code where}: a WHERE clause, or "". */
    public String mysqlQuery(String from, String where) {
        String row = "CONCAT_WS(';', " + columns.stream().map(DigestColumn::mysqlPart).collect(Collectors.joining(", ")) + ")";
        return "SELECT COUNT(*), CAST(COALESCE(SUM(CAST(CONV(LEFT(MD5(" + row + "), 16), 16, 10) AS UNSIGNED)), 0) AS CHAR) "
                + "FROM " + from + where;
    }

    /** The same for ClickHouse ({@code condition}: over the key columns, or "1"), answering one TabSeparated line. */
    public String clickhouseQuery(String from, String condition) {
        String row = "concatWithSeparator(';', " + columns.stream().map(DigestColumn::clickhousePart)
                .collect(Collectors.joining(", ")) + ")";
        return "SELECT count(), toString(sum(toUInt128(reinterpretAsUInt64(reverse(unhex(substring(hex(MD5(" + row
                + ")), 1, 16))))))) FROM " + from + " WHERE " + condition + " FORMAT TabSeparated";
    }

    /** What a checksum says about a set of rows. */
    public record Checksum(long rows, String sum) {
        public static Checksum parse(String tabSeparatedLine) {
            String[] f = tabSeparatedLine.trim().split("\t");
            if (f.length != 2) {
                throw new IllegalStateException("not a checksum: " + tabSeparatedLine);
            }
            return new Checksum(Long.parseLong(f[0]), f[1]);
        }

        @Override
        public String toString() {
            return rows + " row(s), sum " + sum;
        }
    }
}
