package io.tributary.cdc.source;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Checks, before the job starts, what Debezium would otherwise fail on later and less clearly:
 * the server can be reached with the configured user, it is MySQL (not MariaDB), and its binlog is
 * on, row-based with full row images, and the user may take the snapshot's global read lock. Each
 * problem is reported with the setting or grant to change.
 */
public final class MySqlPreflight {
    private MySqlPreflight() {}

    public static void check(MySqlSourceConfig config) {
        String url = config.jdbcUrl("&connectTimeout=10000");
        try (Connection c = DriverManager.getConnection(url, config.user(), config.password());
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT VERSION(), @@GLOBAL.log_bin, @@GLOBAL.binlog_format, "
                     + "@@GLOBAL.binlog_row_image")) {
            rs.next();
            String version = rs.getString(1);
            List<String> problems = new ArrayList<>(problems(version, rs.getString(2), rs.getString(3), rs.getString(4)));
            if (problems.isEmpty()) {
                String partialJson = partialJson(rowValueOptions(c));
                if (partialJson != null) {
                    problems.add(partialJson);
                }
            }
            if (problems.isEmpty() && locks(config.snapshotReader(), gtidsOn(c))) {
                String missing = missingReload(config.user(), grants(c), config.snapshotReader());
                if (missing != null) {
                    problems.add(missing);
                }
            }
            if (!problems.isEmpty()) {
                throw new IllegalStateException("MySQL at " + config.host() + ":" + config.port() + " cannot be captured: "
                        + String.join("; ", problems));
            }
        } catch (SQLException e) {
            String tls = certificateRefused(config, e);
            if (tls != null) {
                throw new IllegalStateException(tls, e);
            }
            throw new IllegalStateException("Cannot connect to MySQL at " + config.host() + ":" + config.port() + " as '"
                    + config.user() + "': " + e.getMessage() + " (check source.mysql.host, source.mysql.port, "
                    + "source.mysql.user and the password in TRIBUTARY_SOURCE_MYSQL_PASSWORD)", e);
        }
    }

    /** Why the server's TLS certificate was not accepted, with what to change, or null for another failure. */
    static String certificateRefused(MySqlSourceConfig config, Throwable failure) {
        io.tributary.cdc.tls.PemAuthorities.Refusal refusal = io.tributary.cdc.tls.PemAuthorities.refusal(failure);
        if (refusal == null) {
            return null;
        }
        boolean identity = refusal == io.tributary.cdc.tls.PemAuthorities.Refusal.IDENTITY;
        String mode = MySqlSourceOptions.SSL_MODE.key() + ": " + config.sslMode().debeziumValue();
        String authorities = config.sslCa() == null ? "the JVM's trusted authorities (no " + MySqlSourceOptions.SSL_CA.key()
                + " is set)" : MySqlSourceOptions.SSL_CA.key() + " '" + config.sslCa() + "'";
        String fix = identity
                ? "the certificate is not issued for " + MySqlSourceOptions.HOST.key() + " '" + config.host() + "': connect "
                        + "by the name the certificate names, or set " + MySqlSourceOptions.SSL_MODE.key() + ": verify_ca"
                : "its certificate is not signed by " + authorities + ": set " + MySqlSourceOptions.SSL_CA.key()
                        + " to the PEM file of the authority that signed it (the RDS or Cloud SQL CA bundle, or MySQL's "
                        + "own ca.pem)";
        return "MySQL at " + config.host() + ":" + config.port() + " refused by TLS verification (" + mode + "): " + fix
                + ". (The TLS layer said: " + io.tributary.cdc.tls.PemAuthorities.rootMessage(failure) + ")";
    }

    /** MySQL's {@code binlog_row_value_options} (8.0.3+; MariaDB has no such setting). */
    private static String rowValueOptions(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT @@GLOBAL.binlog_row_value_options")) {
            rs.next();
            return rs.getString(1);
        }
    }

    /**
     * Why {@code binlog_row_value_options} stops the capture, or null. With PARTIAL_JSON an update that
     * changes part of a JSON document is logged as a diff. RowImageGuard applies those of a single
     * session; server-wide, every writer's JSON update would depend on that decoding, and a diff without
     * the old document would park its table, so the global setting is refused up front.
     */
    static String partialJson(String rowValueOptions) {
        if (rowValueOptions == null || !rowValueOptions.toUpperCase(Locale.ROOT).contains("PARTIAL_JSON")) {
            return null;
        }
        return "binlog_row_value_options is " + rowValueOptions + ": updates that change part of a JSON document are "
                + "logged as diffs instead of whole documents, and a table whose old document is not logged with them "
                + "would be parked (SET PERSIST binlog_row_value_options = '')";
    }

    private static List<String> grants(Connection c) throws SQLException {
        List<String> grants = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SHOW GRANTS")) {
            while (rs.next()) {
                grants.add(rs.getString(1));
            }
        }
        return grants;
    }

    /**
     * Why the user cannot take the snapshot's global read lock ({@code FLUSH TABLES WITH READ LOCK}
     * needs RELOAD), or null. Privileges that come through roles are not listed by SHOW GRANTS: a
     * user with roles is given the benefit of the doubt (the snapshot itself then says what is missing).
     */
    /** {@code gtid_mode = ON} (read once the server is known to be MySQL: MariaDB has no such variable). */
    private static boolean gtidsOn(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT @@GLOBAL.gtid_mode")) {
            return rs.next() && "ON".equalsIgnoreCase(rs.getString(1));
        }
    }

    /** Whether a new pipeline's snapshot takes a global read lock: the locking reader, or the chunked one without GTIDs. */
    static boolean locks(MySqlSnapshotReader reader, boolean gtids) {
        return reader == MySqlSnapshotReader.LOCKING || reader == MySqlSnapshotReader.CHUNKED && !gtids;
    }

    static String missingReload(String user, List<String> grants, MySqlSnapshotReader reader) {
        for (String grant : grants) {
            String g = grant.toUpperCase(Locale.ROOT);
            boolean global = g.contains(" ON *.* ");
            if (global && (g.contains("ALL PRIVILEGES") || g.matches("GRANT (.*[ ,])?RELOAD([ ,].*)? ON \\*\\.\\* .*"))) {
                return null;
            }
            if (!g.contains(" ON ")) {
                return null; // GRANT role TO user
            }
        }
        String withoutLocks = reader == MySqlSnapshotReader.CHUNKED
                ? "gtid_mode is not ON, so the snapshot cannot run without locks: set gtid_mode=ON and "
                + "enforce_gtid_consistency=ON (on RDS, Aurora and Cloud SQL in the parameter group or flags), or "
                : "set " + MySqlSourceOptions.SNAPSHOT_READER.key() + ": chunked (no lock; needs gtid_mode=ON), or ";
        return "the user '" + user + "' lacks the RELOAD privilege, which the locking snapshot needs for a global read "
                + "lock held for a moment while its read views open (GRANT RELOAD ON *.* TO '" + user + "'); "
                + withoutLocks + "set " + MySqlSourceOptions.SNAPSHOT_READER.key() + ": debezium (Debezium's snapshot, "
                + "which needs RELOAD or FLUSH_TABLES)";
    }

    /** What is wrong with a server reporting these values; empty when it can be captured. */
    static List<String> problems(String version, String logBin, String binlogFormat, String rowImage) {
        List<String> problems = new ArrayList<>();
        MySqlServerVersion server = MySqlServerVersion.parse(version);
        if (server.mariaDb()) {
            problems.add("it is MariaDB " + version + ", whose binlog and GTIDs Debezium's MySQL connector does not read; "
                    + "Tributary supports MySQL 8 only for now");
            return problems;
        }
        if (!server.atLeast(8, 0, 0)) {
            problems.add("it is MySQL " + version + "; Tributary needs MySQL 8.0 or newer (8.4 LTS, 9.x)");
        }
        if (!"1".equals(logBin) && !"ON".equalsIgnoreCase(logBin)) {
            problems.add("the binary log is off (set log_bin and restart MySQL)");
        }
        if (!"ROW".equalsIgnoreCase(binlogFormat)) {
            problems.add("binlog_format is " + binlogFormat + " (set binlog_format = ROW)");
        }
        if (!"FULL".equalsIgnoreCase(rowImage)) {
            problems.add("binlog_row_image is " + rowImage + " (set binlog_row_image = FULL: with " + rowImage
                    + " images an update does not carry the whole row)");
        }
        return problems;
    }
}
