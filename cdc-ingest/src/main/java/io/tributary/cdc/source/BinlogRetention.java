package io.tributary.cdc.source;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * How long the server keeps its binlog files, read from the setting that governs it there: on
 * Amazon RDS and Aurora, {@code binlog retention hours} ({@code CALL mysql.rds_show_configuration};
 * NULL, RDS's default, purges each file as soon as no replica needs it), elsewhere
 * {@code binlog_expire_logs_seconds} (0 keeps them forever). A snapshot needs the binlog from its
 * start until the pipeline has read past its end, and every restart needs it from the stored
 * position: with less, the pipeline cannot continue and only a new snapshot helps.
 *
 * @param seconds {@link #FOREVER}, {@link #AS_SOON_AS_POSSIBLE} or the retention
 * @param setting the setting that decides it, for messages
 * @param raise the statement that keeps binlogs for a week there
 */
public record BinlogRetention(long seconds, String setting, String raise) {
    public static final long FOREVER = Long.MAX_VALUE;
    public static final long AS_SOON_AS_POSSIBLE = 0;

    /**
     * Rows per second assumed for a snapshot when judging whether the binlog outlives it: half the
     * chunked reader's 91k rows/s measured on 2 cores (docs/benchmarks.md, bench/snapshot.sh), since
     * a busy or remote server reads slower.
     */
    static final long ASSUMED_SNAPSHOT_ROWS_PER_SECOND = 45_000;

    /** A snapshot may take this long before its warning is worth reading: restarts need an hour's margin anyway. */
    static final Duration MINIMUM = Duration.ofHours(1);

    private static final String RDS_SETTING = "binlog retention hours (CALL mysql.rds_show_configuration)";
    private static final String RDS_RAISE = "CALL mysql.rds_set_configuration('binlog retention hours', 168);";
    private static final String MYSQL_SETTING = "binlog_expire_logs_seconds";
    private static final String MYSQL_RAISE = "SET PERSIST binlog_expire_logs_seconds = 604800;";

    public boolean forever() {
        return seconds == FOREVER;
    }

    /** The server's retention; RDS's own setting where the server has it. */
    public static BinlogRetention read(Connection connection) throws SQLException {
        try (Statement st = connection.createStatement()) {
            try (ResultSet rs = st.executeQuery("CALL mysql.rds_show_configuration")) {
                while (rs.next()) {
                    if ("binlog retention hours".equalsIgnoreCase(rs.getString(1))) {
                        String hours = rs.getString(2);
                        return fromRds(hours);
                    }
                }
                return new BinlogRetention(AS_SOON_AS_POSSIBLE, RDS_SETTING, RDS_RAISE);
            } catch (SQLException e) {
                // 1305: no such procedure (not RDS). MySQL checks EXECUTE before existence, so a refusal (1370)
                // says nothing by itself: the procedure is there if the user can see it listed.
                boolean refused = e.getErrorCode() == 1370 || e.getErrorCode() == 1044 || e.getErrorCode() == 1227;
                if (refused && rdsProcedureListed(connection)) {
                    throw new SQLException("the server has mysql.rds_show_configuration (Amazon RDS or Aurora), which "
                            + "holds its binlog retention, but this user may not call it: GRANT EXECUTE ON PROCEDURE "
                            + "mysql.rds_show_configuration TO the capture user", e.getSQLState(), e.getErrorCode(), e);
                }
                if (!refused && e.getErrorCode() != 1305) {
                    throw e;
                }
            }
            try (ResultSet rs = st.executeQuery("SELECT @@GLOBAL.binlog_expire_logs_seconds")) {
                rs.next();
                long expire = rs.getLong(1);
                return new BinlogRetention(expire == 0 ? FOREVER : expire, MYSQL_SETTING, MYSQL_RAISE);
            }
        }
    }

    private static boolean rdsProcedureListed(Connection connection) throws SQLException {
        try (Statement st = connection.createStatement();
             ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM information_schema.routines WHERE routine_schema = "
                     + "'mysql' AND routine_name = 'rds_show_configuration'")) {
            return rs.next() && rs.getLong(1) > 0;
        }
    }

    static BinlogRetention fromRds(String hours) {
        if (hours == null || hours.isBlank() || "NULL".equalsIgnoreCase(hours.strip())) {
            return new BinlogRetention(AS_SOON_AS_POSSIBLE, RDS_SETTING, RDS_RAISE);
        }
        return new BinlogRetention(Long.parseLong(hours.strip()) * 3600, RDS_SETTING, RDS_RAISE);
    }

    /**
     * Why the binlog may not outlive a snapshot of {@code snapshotRows} rows (0: no snapshot, only the
     * next restart), with the statement that fixes it; null when it will. {@code where}: the server.
     */
    public String warning(long snapshotRows, String where) {
        if (forever()) {
            return null;
        }
        long snapshotSeconds = snapshotRows / ASSUMED_SNAPSHOT_ROWS_PER_SECOND;
        long needed = Math.max(MINIMUM.toSeconds(), 3 * snapshotSeconds);
        if (seconds >= needed) {
            return null;
        }
        String kept = seconds == AS_SOON_AS_POSSIBLE ? "purges each binlog file as soon as no replica needs it ("
                + setting + " is NULL)" : "keeps binlog files for " + describe(seconds) + " (" + setting + ")";
        String needs = snapshotRows > 0 ? ", but the snapshot of about " + snapshotRows + " rows may take "
                + describe(Math.max(1, snapshotSeconds)) + " at " + ASSUMED_SNAPSHOT_ROWS_PER_SECOND + " rows/s, and the "
                + "pipeline must read the binlog from the snapshot's start, and after any restart from where it stopped"
                : ", but after a restart the pipeline must read the binlog from where it stopped";
        return "MySQL at " + where + " " + kept + needs + ". If a file it still needs is purged, only a new snapshot "
                + "helps. Keep binlogs for at least " + describe(needed) + ": " + raise;
    }

    private static String describe(long seconds) {
        if (seconds >= 3600 && seconds % 3600 == 0) {
            return seconds / 3600 + " h";
        }
        if (seconds >= 7200) {
            return String.format(java.util.Locale.ROOT, "%.1f h", seconds / 3600.0);
        }
        return seconds >= 60 ? seconds / 60 + " min" : seconds + " s";
    }
}
