package io.tributary.cdc.source.snapshot;

import io.debezium.connector.mysql.jdbc.MySqlConnection;
import io.debezium.relational.Table;
import io.debezium.relational.TableId;
import io.debezium.relational.TableSchema;
import io.debezium.util.ColumnUtils;
import io.tributary.cdc.debezium.DebeziumTables;
import io.tributary.cdc.debezium.RecordConverter;
import io.tributary.cdc.event.ChangeEvent;
import io.tributary.cdc.event.SourcePosition;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Reads one chunk between its watermarks, on one connection that needs only SELECT and REPLICATION
 * CLIENT: no lock, no write.
 *
 * <ol>
 *   <li>E0: the binlog's end ({@code SHOW BINARY LOG STATUS}).</li>
 *   <li>{@code @@global.gtid_owned}: transactions that have a GTID but are not committed yet (MySQL
 *       assigns the GTID before it writes the binlog and releases it after the commit). Read after
 *       E0, so every transaction written to the binlog before E0 is here or in the next set.</li>
 *   <li>L = {@code @@global.gtid_executed}, the low watermark; then the table's structure.</li>
 *   <li>A read view ({@code START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY}) and the chunk's rows.</li>
 *   <li>H: the binlog's end again, the high watermark.</li>
 * </ol>
 * The read is quiet when nothing was in flight and H = E0: then no transaction outside L is before H,
 * and the rows can go out at once.
 */
final class ChunkReader {
    private static final int NET_WRITE_TIMEOUT_SECONDS = 3600;

    private final MySqlConnection connection;
    private final DebeziumTables tables;
    private final RecordConverter converter;
    private final SourcePosition snapshotPosition;

    ChunkReader(MySqlConnection connection, DebeziumTables tables, RecordConverter converter,
                SourcePosition snapshotPosition) throws SQLException {
        this.connection = connection;
        this.tables = tables;
        this.converter = converter;
        this.snapshotPosition = snapshotPosition;
        try (Statement st = connection.connection().createStatement()) {
            st.execute("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ");
            // The reader waits while ClickHouse is slow or down (back-pressure); MySQL drops a result it cannot
            // send within net_write_timeout (60 s by default).
            st.execute("SET SESSION net_write_timeout = " + NET_WRITE_TIMEOUT_SECONDS);
        }
    }

    /** The structure of {@code id} as MySQL has it now. */
    Table structure(TableId id) throws SQLException {
        return tables.current(connection, id);
    }

    ChunkResult read(TableChunk chunk, KeyOrder order, Table planned) throws SQLException {
        String name = chunk.table();
        TableId id = new TableId(name.substring(0, name.indexOf('.')), null, name.substring(name.indexOf('.') + 1));
        // The structure is read before the watermark, so that nothing but two variable reads lies between L and the
        // read view (a keyless table's read is exact only if no change of it commits in that gap); read again after
        // the view opened, a difference means a DDL committed before L that the first read missed: read again.
        Table table = structure(id);
        if (table == null) {
            throw new SQLException("table " + name + " no longer exists", "42S02", 1146);
        }
        DebeziumTables.RowConverter rows = tables.rowConverter(id);
        TableSchema schema = rows.tableSchema();
        String columns = table.columns().stream().map(c -> connection.quoteIdentifier(c.name()))
                .collect(Collectors.joining(", "));
        String sql = "SELECT " + columns + " FROM " + connection.quotedTableIdString(id)
                + (order == null ? "" : chunk.where(order.columns(), connection::quoteIdentifier));
        SourcePosition before = binlogEnd();
        String owned = variable("gtid_owned");
        GtidSet low = GtidSet.parse(variable("gtid_executed"));
        List<ChangeEvent> read = new ArrayList<>();
        long readAtMs = System.currentTimeMillis();
        RuntimeException failure = null;
        GtidSet atView;
        connection.connection().setAutoCommit(false);
        try {
            try (Statement st = connection.connection().createStatement()) {
                st.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY");
            }
            // Every transaction the view holds is committed or in its commit now: owned first, then executed, so none
            // moves from one to the other unseen. What is in neither committed after the view opened.
            String ownedAtView = variable("gtid_owned");
            atView = GtidSet.union(ownedAtView, variable("gtid_executed"));
            try (PreparedStatement ps = connection.connection().prepareStatement(sql, ResultSet.TYPE_FORWARD_ONLY,
                    ResultSet.CONCUR_READ_ONLY)) {
                ps.setFetchSize(Integer.MIN_VALUE); // stream the rows instead of loading the result twice
                ChunkSplitter.bind(ps, order == null ? new Object[0] : chunk.parameters());
                try (ResultSet rs = ps.executeQuery()) {
                    ColumnUtils.ColumnArray array = ColumnUtils.toArray(rs, table);
                    while (rs.next()) {
                        try {
                            Object[] values = rows.values(connection.rowToArray(table, rs, array));
                            read.add(converter.snapshotRow(id.catalog(), id.table(), schema.valueSchema(),
                                    schema.keySchema(), values, snapshotPosition, readAtMs));
                        } catch (RuntimeException e) {
                            failure = e;
                            break;
                        }
                    }
                }
            }
        } finally {
            connection.connection().commit();
            connection.connection().setAutoCommit(true);
        }
        SourcePosition high = binlogEnd();
        if (!table.equals(structure(id))) {
            return null; // a DDL between the structure read and L: the caller reads the chunk again
        }
        if (failure != null) {
            return ChunkResult.failed(chunk, failure);
        }
        // A structure other than the plan's may be ahead of changes the binlog has not handed on yet: wait for H.
        boolean quiet = (owned == null || owned.isBlank()) && high.equals(before) && table.equals(planned);
        return new ChunkResult(chunk, read, low, atView, high, quiet, null,
                converter.schemaOf(id.catalog(), id.table(), schema.valueSchema(), schema.keySchema()));
    }

    private String variable(String name) throws SQLException {
        try (Statement st = connection.connection().createStatement();
             ResultSet rs = st.executeQuery("SELECT @@global." + name)) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** The binlog's end, as a position the source reader compares with its records' positions. */
    private SourcePosition binlogEnd() throws SQLException {
        return BinlogEnd.read(connection).snapshotPosition();
    }
}
