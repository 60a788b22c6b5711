package io.tributary.cdc.source.snapshot;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Turns a primary key (canonical text, key column order) into the text the chunk engine compares with
 * chunk bounds ({@link KeyOrder#compare}): the key itself, except that each character column's value
 * is replaced by MySQL's weight of it under the column's collation ({@link KeyCollation}), asked of
 * MySQL on a connection of its own (one query per key not seen recently; only binlog changes of a table
 * with a character key while it is being read, or in the snapshot's tail, ask).
 *
 * <p>Thread-safe: the chunk engine's reconciliation and the source reader share one.
 */
public final class KeyWeights implements AutoCloseable {
    /** Opens the connection the weights are asked on. */
    public interface ConnectionSource {
        Connection open() throws SQLException;
    }

    /** Keys remembered, so a hot key changed many times during a read costs one query. */
    static final int CACHED_KEYS = 20_000;

    private final ConnectionSource source;
    private final Map<String, PreparedStatement> statements = new HashMap<>();
    private final Map<String, String[]> cache = new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String[]> eldest) {
            return size() > CACHED_KEYS;
        }
    };
    private Connection connection;

    public KeyWeights(ConnectionSource source) {
        this.source = source;
    }

    /** Weights asked of the source's MySQL, as the pipeline's user (SELECT is all it needs). */
    public static KeyWeights of(io.tributary.cdc.source.MySqlSourceConfig config) {
        return new KeyWeights(() -> java.sql.DriverManager.getConnection(config.jdbcUrl("&connectTimeout=10000"),
                config.user(), config.password()));
    }

    /** {@code key} as {@code order} compares it with chunk bounds. */
    public synchronized String[] placementKey(KeyOrder order, String[] key) {
        if (order == null || !order.hasCollatedColumns()) {
            return key;
        }
        String signature = order.signature();
        StringBuilder cacheKey = new StringBuilder(signature);
        for (String part : key) {
            cacheKey.append('\u0000').append(part);
        }
        String id = cacheKey.toString();
        String[] weighed = cache.get(id);
        if (weighed == null) {
            weighed = ask(order, signature, key);
            cache.put(id, weighed);
        }
        return weighed;
    }

    private String[] ask(KeyOrder order, String signature, String[] key) {
        try {
            PreparedStatement ps = statements.get(signature);
            if (ps == null) {
                if (connection == null) {
                    connection = source.open();
                }
                ps = connection.prepareStatement(selectWeights(order));
                statements.put(signature, ps);
            }
            int parameter = 1;
            for (int i = 0; i < order.size(); i++) {
                if (order.collation(i) != null) {
                    ps.setString(parameter++, key[i]);
                }
            }
            String[] out = key.clone();
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                int column = 1;
                for (int i = 0; i < order.size(); i++) {
                    if (order.collation(i) != null) {
                        out[i] = order.collation(i).trimmed(rs.getString(column++));
                    }
                }
            }
            return out;
        } catch (SQLException e) {
            closeQuietly();
            throw new IllegalStateException("Cannot ask MySQL how its collation orders the key "
                    + java.util.Arrays.toString(key) + " (" + order.kindNames() + "): " + e.getMessage(), e);
        }
    }

    /** {@code SELECT weight, weight, ...} of one parameter per character key column. */
    static String selectWeights(KeyOrder order) {
        StringBuilder sql = new StringBuilder("SELECT ");
        for (int i = 0; i < order.size(); i++) {
            KeyCollation collation = order.collation(i);
            if (collation != null) {
                if (sql.length() > "SELECT ".length()) {
                    sql.append(", ");
                }
                sql.append(collation.weightOf(collation.parameter()));
            }
        }
        return sql.toString();
    }

    private void closeQuietly() {
        statements.clear();
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // broken already
            }
            connection = null;
        }
    }

    @Override
    public synchronized void close() {
        closeQuietly();
    }
}
