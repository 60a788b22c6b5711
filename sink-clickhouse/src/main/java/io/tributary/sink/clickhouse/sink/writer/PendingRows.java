package io.tributary.sink.clickhouse.sink.writer;

import io.tributary.sink.clickhouse.client.ClickHouseHttp;
import java.nio.charset.StandardCharsets;

/**
 * TabSeparated rows for one of the sink's own tables (status, snapshot begins), gathered during a
 * flush and stored with one insert at its end: one request for many tables instead of one each, which
 * a schema of thousands of tables paid per table (docs/scaling.md).
 */
final class PendingRows {
    private final String qualifiedTable;
    private final String columns;
    private final String what;
    private final StringBuilder rows = new StringBuilder();

    /** {@code what}: the retrier's name for the insert, e.g. "recording snapshot begins". */
    PendingRows(String qualifiedTable, String columns, String what) {
        this.qualifiedTable = qualifiedTable;
        this.columns = columns;
        this.what = what;
    }

    /** A row ending in a newline. */
    void add(String row) {
        rows.append(row);
    }

    /** Inserts the rows gathered, if any, retrying as the writer's other inserts do. */
    void store(ClickHouseHttp client, Retrier retrier) {
        if (rows.isEmpty()) {
            return;
        }
        byte[] body = rows.toString().getBytes(StandardCharsets.UTF_8);
        retrier.run(what, () -> client.insert(qualifiedTable, columns, "TabSeparated", body));
        rows.setLength(0);
    }
}
