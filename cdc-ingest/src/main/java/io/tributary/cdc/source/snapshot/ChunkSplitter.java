package io.tributary.cdc.source.snapshot;

import io.debezium.connector.mysql.jdbc.MySqlConnection;
import io.debezium.relational.Table;
import io.debezium.relational.TableId;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Cuts a table into chunks of about {@code chunkRows} rows by primary key. A single integer key is
 * cut arithmetically between MIN and MAX (two index lookups, assuming keys spread evenly, as the
 * locking reader did); any other orderable key ({@link KeyOrder}) by asking MySQL for the key
 * {@code chunkRows} rows further on in key order, so boundaries are real keys in MySQL's own
 * ordering (a character key's bounds are kept as MySQL's weights of them, {@link KeyWeights}). A table
 * without a key, or with a key {@link KeyOrder} cannot order, is one chunk.
 * Boundaries need no consistent read: any set of boundaries partitions the key space.
 */
final class ChunkSplitter {
    /** Never more chunks for one table than this (a 10-billion-row table at 50k rows a chunk is 200k). */
    static final int MAX_CHUNKS = 1_000_000;
    /** An integer key spanning more than this many values per row is cut by asking MySQL, not arithmetically. */
    static final int SPARSE = 4;
    /** Chunks of a table that ramp up to {@code chunkRows} ({@link #rampShift}). */
    static final int RAMP = 4;

    private final long chunkRows;
    private final KeyWeights weights;

    /** {@code weights}: turns a character key's bounds into its collation's weights ({@link KeyOrder}). */
    ChunkSplitter(long chunkRows, KeyWeights weights) {
        this.chunkRows = chunkRows;
        this.weights = weights;
    }

    /** Whether a table of about {@code estimatedRows} rows is read as one chunk, whatever its key. */
    boolean isOneChunk(long estimatedRows) {
        return estimatedRows <= chunkRows;
    }

    /**
     * The chunks of {@code table}; {@code keyText} turns a boundary row (every column, as {@code SELECT}
     * returns it) into canonical key text, as the binlog's changes of that row will carry it.
     */
    List<TableChunk> split(MySqlConnection connection, Table table, KeyOrder order, long estimatedRows,
                           Function<Object[], String[]> keyText) throws SQLException {
        String name = table.id().catalog() + "." + table.id().table();
        if (order == null || isOneChunk(estimatedRows)) {
            return List.of(TableChunk.whole(name));
        }
        List<TableChunk> chunks = order.singleInteger()
                ? byArithmetic(connection, table.id(), name, order, estimatedRows) : null;
        return chunks != null ? chunks : byKeys(connection, table, name, order, keyText);
    }

    private List<TableChunk> byArithmetic(MySqlConnection connection, TableId id, String name, KeyOrder order,
                                          long estimatedRows) throws SQLException {
        String column = connection.quoteIdentifier(order.columns().get(0));
        BigInteger min;
        BigInteger max;
        try (Statement st = connection.connection().createStatement();
             ResultSet rs = st.executeQuery("SELECT MIN(" + column + "), MAX(" + column + ") FROM "
                     + connection.quotedTableIdString(id))) {
            rs.next();
            if (rs.getString(1) == null) {
                return List.of(TableChunk.whole(name));
            }
            min = new BigInteger(rs.getString(1));
            max = new BigInteger(rs.getString(2));
        }
        BigInteger span = max.subtract(min).add(BigInteger.ONE);
        if (span.compareTo(BigInteger.valueOf(estimatedRows).multiply(BigInteger.valueOf(SPARSE))) > 0) {
            return null; // keys far apart (a few outliers, gaps): even ranges would put most rows in one chunk
        }
        long wanted = Math.min(MAX_CHUNKS, (estimatedRows + chunkRows - 1) / chunkRows);
        int count = (int) Math.min(wanted, span.min(BigInteger.valueOf(MAX_CHUNKS)).longValue());
        if (count <= 1) {
            return List.of(TableChunk.whole(name));
        }
        BigInteger[] q = span.divideAndRemainder(BigInteger.valueOf(count));
        BigInteger width = q[1].signum() == 0 ? q[0] : q[0].add(BigInteger.ONE);
        List<BigInteger> uppers = upperBounds(min, max, width);
        List<TableChunk> chunks = new ArrayList<>(uppers.size() + 1);
        BigInteger lower = null;
        for (int i = 0; i <= uppers.size(); i++) {
            BigInteger upper = i < uppers.size() ? uppers.get(i) : null;
            chunks.add(new TableChunk(name, i, lower == null ? null : new String[] {lower.toString()},
                    lower == null ? null : new Object[] {new BigDecimal(lower)},
                    upper == null ? null : new String[] {upper.toString()},
                    upper == null ? null : new Object[] {new BigDecimal(upper)}));
            lower = upper;
        }
        return chunks;
    }

    /**
     * The inclusive upper bounds of the chunks of keys {@code min..max} cut {@code width} keys apart after the
     * ramp ({@link #rampShift}); the last chunk, open above, follows the last bound. At most {@link #MAX_CHUNKS}
     * chunks.
     */
    static List<BigInteger> upperBounds(BigInteger min, BigInteger max, BigInteger width) {
        List<BigInteger> uppers = new ArrayList<>();
        BigInteger start = min;
        while (uppers.size() < MAX_CHUNKS - 1) {
            BigInteger upper = start.add(width.shiftRight(rampShift(uppers.size())).max(BigInteger.ONE))
                    .subtract(BigInteger.ONE);
            if (upper.compareTo(max) >= 0) {
                break;
            }
            uppers.add(upper);
            start = upper.add(BigInteger.ONE);
        }
        return uppers;
    }

    /**
     * Chunk {@code index} of a table holds {@code chunkRows >> rampShift(index)} rows: the first ones 1/16, 1/8,
     * 1/4 and 1/2 of a chunk, so that the first rows reach the sink while later chunks are read instead of after
     * a whole cold chunk (docs/benchmarks.md: the first 50,000-row chunk kept the sink idle 0.68 s).
     */
    static int rampShift(int index) {
        return Math.max(0, RAMP - index);
    }

    private List<TableChunk> byKeys(MySqlConnection connection, Table table, String name, KeyOrder order,
                                    Function<Object[], String[]> keyText) throws SQLException {
        List<String> keys = order.columns();
        String columns = table.columns().stream().map(c -> connection.quoteIdentifier(c.name()))
                .collect(Collectors.joining(", "));
        String orderBy = keys.stream().map(connection::quoteIdentifier).collect(Collectors.joining(", "));
        int[] keyPositions = keys.stream().mapToInt(k -> table.columnWithName(k).position() - 1).toArray();
        List<TableChunk> chunks = new ArrayList<>();
        TableChunk previous = null;
        while (chunks.size() < MAX_CHUNKS) {
            TableChunk after = previous == null ? null
                    : new TableChunk(name, 0, previous.upperKey(), previous.upperParams(), null, null);
            String sql = "SELECT " + columns + " FROM " + connection.quotedTableIdString(table.id())
                    + (after == null ? "" : after.where(keys, connection::quoteIdentifier))
                    + " ORDER BY " + orderBy + " LIMIT 1 OFFSET " + (Math.max(1, chunkRows >> rampShift(chunks.size())) - 1);
            Object[] boundaryRow = null;
            Object[] params = new Object[keys.size()];
            try (PreparedStatement ps = connection.connection().prepareStatement(sql)) {
                bind(ps, after == null ? new Object[0] : after.parameters());
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        boundaryRow = connection.rowToArray(table, rs, io.debezium.util.ColumnUtils.toArray(rs, table));
                        for (int i = 0; i < keys.size(); i++) {
                            params[i] = parameter(rs, keyPositions[i] + 1, order.kind(i));
                        }
                    }
                }
            }
            String[] upper = boundaryRow == null ? null : weights.placementKey(order, keyText.apply(boundaryRow));
            TableChunk chunk = new TableChunk(name, chunks.size(), previous == null ? null : previous.upperKey(),
                    previous == null ? null : previous.upperParams(), upper, upper == null ? null : params);
            chunks.add(chunk);
            if (upper == null) {
                break;
            }
            previous = chunk;
        }
        return chunks;
    }

    /** A boundary value as MySQL returned it, in a form it compares exactly with the column when bound. */
    private static Object parameter(ResultSet rs, int column, KeyOrder.Kind kind) throws SQLException {
        return switch (kind) {
            case INTEGER, DECIMAL -> rs.getBigDecimal(column);
            // A character value is compared in the column's collation (the column decides it); a DATE or DATETIME text
            // is converted to the column's type.
            case COLLATED, TEMPORAL -> rs.getString(column);
            case TEXT -> {
                int type = rs.getMetaData().getColumnType(column);
                yield type == java.sql.Types.BINARY || type == java.sql.Types.VARBINARY ? rs.getBytes(column)
                        : rs.getString(column);
            }
        };
    }

    static void bind(PreparedStatement ps, Object[] values) throws SQLException {
        for (int i = 0; i < values.length; i++) {
            Object v = values[i];
            if (v instanceof BigDecimal d) {
                ps.setBigDecimal(i + 1, d);
            } else if (v instanceof byte[] b) {
                ps.setBytes(i + 1, b);
            } else {
                ps.setString(i + 1, (String) v);
            }
        }
    }
}
