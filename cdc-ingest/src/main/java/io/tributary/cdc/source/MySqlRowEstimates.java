package io.tributary.cdc.source;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/** MySQL's row estimates (InnoDB statistics) of the base tables of some databases, by {@code db.table}. */
public final class MySqlRowEstimates {
    private MySqlRowEstimates() {}

    /** The captured base tables that exist now, with MySQL's row estimates; empty: no snapshot to take. */
    public static Map<String, Long> captured(MySqlSourceConfig config) throws SQLException {
        try (Connection c = java.sql.DriverManager.getConnection(config.jdbcUrl("&connectTimeout=10000"),
                config.user(), config.password())) {
            return captured(c, config);
        }
    }

    /** {@link #captured(MySqlSourceConfig)} over an open connection. */
    public static Map<String, Long> captured(Connection c, MySqlSourceConfig config) throws SQLException {
        Map<String, Long> estimates = new HashMap<>(read(c, config.databases()));
        if (!config.tables().isEmpty()) {
            estimates.keySet().retainAll(java.util.Set.copyOf(config.tables()));
        }
        return estimates;
    }

    public static Map<String, Long> read(Connection connection, Collection<String> databases) throws SQLException {
        try (Statement st = connection.createStatement()) {
            // information_schema caches table statistics for a day by default: a table loaded since
            // then reports its old row count (53 for a freshly loaded 1M-row table in a benchmark).
            st.execute("SET SESSION information_schema_stats_expiry = 0");
        }
        Map<String, Long> estimates = new HashMap<>();
        try (PreparedStatement ps = connection.prepareStatement("SELECT table_schema, table_name, table_rows"
                + " FROM information_schema.tables WHERE table_type = 'BASE TABLE' AND FIND_IN_SET(table_schema, ?)")) {
            ps.setString(1, String.join(",", databases));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    estimates.put(rs.getString(1) + "." + rs.getString(2), rs.getLong(3));
                }
            }
        }
        return estimates;
    }
}
