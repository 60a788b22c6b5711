package io.tributary.app.verify;

import java.util.List;

/**
 * One table's verdict: rows on each side, a checksum of each side's rows (as compared), how many
 * differences were found and the first few, each naming the key (or row) and what differs, and how
 * the rows were compared ({@code every row}, or {@code checksums of N chunk(s)}).
 */
public record TableVerdict(String table, long mysqlRows, long clickhouseRows, String mysqlChecksum,
                           String clickhouseChecksum, long differenceCount, List<String> differences, String method) {
    public TableVerdict {
        differences = List.copyOf(differences);
    }

    /** Rows compared one by one. */
    public TableVerdict(String table, long mysqlRows, long clickhouseRows, String mysqlChecksum, String clickhouseChecksum,
                        long differenceCount, List<String> differences) {
        this(table, mysqlRows, clickhouseRows, mysqlChecksum, clickhouseChecksum, differenceCount, differences,
                "every row");
    }

    /** A table that could not be compared row by row (its columns differ, or a server failed). */
    public static TableVerdict unreadable(String table, long mysqlRows, List<String> why) {
        return new TableVerdict(table, mysqlRows, -1, "", "", why.size(), why);
    }

    public boolean equal() {
        return differenceCount == 0 && mysqlRows == clickhouseRows;
    }

    public String describe() {
        String head = String.format("%-28s rows mysql=%d clickhouse=%d checksum mysql=%s clickhouse=%s %s (%s)", table,
                mysqlRows, clickhouseRows, mysqlChecksum, clickhouseChecksum, equal() ? "EQUAL" : "DIFFERENT", method);
        if (differences.isEmpty()) {
            return head;
        }
        String more = differenceCount > differences.size()
                ? "\n    ... " + (differenceCount - differences.size()) + " more difference(s)" : "";
        return head + "\n    " + String.join("\n    ", differences) + more;
    }
}
