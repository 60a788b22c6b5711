package io.tributary.app;

import io.tributary.cdc.event.SourcePosition;
import io.tributary.cdc.source.MySqlServerVersion;
import io.tributary.cdc.source.MySqlSourceConfig;
import io.tributary.sink.clickhouse.client.ClickHouseHttp;
import io.tributary.sink.clickhouse.schema.KeyChangesTable;
import io.tributary.sink.clickhouse.schema.TableNames;
import io.tributary.sink.clickhouse.schema.TruncationsTable;
import io.tributary.sink.clickhouse.sink.ClickHouseSinkConfig;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * At a fresh start (no state), picks the version epoch of the new snapshot: the newest one the
 * captured tables hold in ClickHouse (raised by earlier switches to another server), and makes
 * sure ClickHouse holds no rows versioned beyond MySQL's current binlog position in it. Such rows
 * were read while the server numbered its binlog differently (before a RESET MASTER, or from
 * another server). A new snapshot's rows carry this server's lower positions as versions and would
 * lose against them: ClickHouse would stay stale without an error.
 */
final class StoredVersions {
    private StoredVersions() {}

    static int startEpoch(MySqlSourceConfig mysql, ClickHouseSinkConfig sink, List<String> mysqlDatabases) {
        Current current;
        Set<String> captured;
        try (Connection c = DriverManager.getConnection(mysql.jdbcUrl(""), mysql.user(), mysql.password())) {
            current = currentPosition(c);
            // Only the tables this pipeline captures: another pipeline may write into the same ClickHouse database.
            captured = capturedTables(c, mysql, sink, mysqlDatabases);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the binlog position and tables of MySQL at " + mysql.host() + ":"
                    + mysql.port() + ": " + e.getMessage(), e);
        }
        if (current == null || captured.isEmpty()) {
            return 0; // binary logging off (the source's preflight says so), or nothing captured yet
        }
        List<String> databases = mysqlDatabases.stream().map(sink::targetDatabase).distinct().toList();
        String inDatabases = databases.stream().map(TableNames::literal).collect(Collectors.joining(", ", "(", ")"));
        String inTables = captured.stream().map(t -> "(" + TableNames.literal(t.substring(0, t.indexOf('.'))) + ", "
                + TableNames.literal(t.substring(t.indexOf('.') + 1)) + ")").collect(Collectors.joining(", ", "(", ")"));
        ClickHouseHttp clickhouse = sink.client();
        SourcePosition newest = SourcePosition.ZERO;
        String where = null;
        String tables = clickhouse.query("SELECT database, name FROM system.tables WHERE database IN " + inDatabases
                + " AND endsWith(name, " + TableNames.literal(TableNames.VERSIONS_SUFFIX) + ") FORMAT TSVRaw");
        for (String line : tables.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            String[] name = line.split("\t", 2);
            String table = name[1].substring(0, name[1].length() - TableNames.VERSIONS_SUFFIX.length());
            if (!captured.contains(name[0] + "." + table)) {
                continue;
            }
            SourcePosition max = maxVersion(clickhouse, "SELECT toString(max(`_version`)) FROM "
                    + TableNames.quote(name[0]) + "." + TableNames.quote(name[1]));
            if (max.compareTo(newest) > 0) {
                newest = max;
                where = name[0] + "." + name[1];
            }
        }
        // Tributary's status tables that exist (none before the first start against this ClickHouse), in one query.
        String existing = clickhouse.query("SELECT name FROM system.tables WHERE database = "
                + TableNames.literal(sink.statusDatabase()) + " AND name IN (" + TableNames.literal(TruncationsTable.TABLE)
                + ", " + TableNames.literal(KeyChangesTable.TABLE) + ") ORDER BY name DESC FORMAT TSVRaw");
        List<String> statusTables = existing.lines().filter(name -> !name.isBlank())
                .map(name -> TableNames.quote(sink.statusDatabase()) + "." + TableNames.quote(name)).toList();
        for (String statusTable : statusTables) {
            SourcePosition max = maxVersion(clickhouse, "SELECT toString(max(version)) FROM " + statusTable
                    + " WHERE (database, table) IN " + inTables);
            if (max.compareTo(newest) > 0) {
                newest = max;
                where = statusTable.replace("`", "");
            }
        }
        if (newest.compareTo(current.position().withEpoch(newest.epoch())) <= 0) {
            return newest.epoch();
        }
        StringBuilder recovery = new StringBuilder();
        for (String database : databases) {
            recovery.append("DROP DATABASE ").append(TableNames.quote(database)).append("; ");
        }
        for (String statusTable : statusTables) {
            recovery.append("ALTER TABLE ").append(statusTable).append(" DELETE WHERE database IN ").append(inDatabases)
                    .append("; ");
        }
        throw new TributaryConfig.ConfigException("ClickHouse already holds rows versioned at " + newest + " (in " + where
                + "), ahead of the current binlog position " + current.file() + ":" + current.offset() + " of MySQL at "
                + mysql.host() + ":" + mysql.port() + ". They were read while the server numbered its binlog differently "
                + "(before a RESET MASTER, or from another server), and the rows of a new snapshot, versioned by this "
                + "server's positions, would lose against them. Nothing was written. To start over from this server, "
                + "run as a ClickHouse admin: "
                + recovery + "then start Tributary again.");
    }

    /** {@code clickhouseDatabase.table} of every MySQL table this pipeline captures. */
    private static Set<String> capturedTables(Connection c, MySqlSourceConfig mysql, ClickHouseSinkConfig sink,
                                              List<String> databases) throws SQLException {
        Set<String> captured = new TreeSet<>();
        String sql = "SELECT table_schema, table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE' "
                + "AND table_schema IN (" + String.join(", ", java.util.Collections.nCopies(databases.size(), "?")) + ")";
        try (PreparedStatement st = c.prepareStatement(sql)) {
            for (int i = 0; i < databases.size(); i++) {
                st.setString(i + 1, databases.get(i));
            }
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    String table = rs.getString(1) + "." + rs.getString(2);
                    if (mysql.tables().isEmpty() || mysql.tables().contains(table)) {
                        captured.add(sink.targetDatabase(rs.getString(1)) + "." + rs.getString(2));
                    }
                }
            }
        }
        return captured;
    }

    private static SourcePosition maxVersion(ClickHouseHttp clickhouse, String sql) {
        String value = clickhouse.query(sql + " FORMAT TSVRaw").strip();
        return value.isEmpty() ? SourcePosition.ZERO : SourcePosition.fromVersionString(value);
    }

    /** MySQL's binlog end: where a snapshot taken now would be versioned. */
    private record Current(String file, long offset, SourcePosition position) {}

    private static Current currentPosition(Connection c) throws SQLException {
        String statement = MySqlServerVersion.of(c).binaryLogStatusStatement(); // SHOW MASTER STATUS is gone in 8.4
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(statement)) {
            if (!rs.next()) {
                return null;
            }
            return new Current(rs.getString(1), rs.getLong(2), SourcePosition.snapshot(rs.getString(1), rs.getLong(2)));
        }
    }
}
