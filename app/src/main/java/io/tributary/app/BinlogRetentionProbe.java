package io.tributary.app;

import io.tributary.api.SourceBinlog;
import io.tributary.cdc.event.SourcePosition;
import io.tributary.cdc.source.BinlogRetention;
import io.tributary.cdc.source.MySqlRowEstimates;
import io.tributary.cdc.source.MySqlSourceConfig;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.function.Supplier;

/**
 * Asks MySQL which binlog files it still has and how long it keeps them ({@link BinlogRetention}:
 * RDS's own setting where it has one), and its row estimates of
 * the captured databases' tables, at most every 30 s (the status page polls every second), for the
 * retention warning and snapshot progress in {@code /status}.
 */
final class BinlogRetentionProbe implements Supplier<SourceBinlog> {
    private static final long REFRESH_MS = 30_000;

    private final MySqlSourceConfig mysql;
    private SourceBinlog last = SourceBinlog.unknown("not read yet");
    private long readAt;

    BinlogRetentionProbe(MySqlSourceConfig mysql) {
        this.mysql = mysql;
    }

    @Override
    public synchronized SourceBinlog get() {
        if (System.currentTimeMillis() - readAt >= REFRESH_MS) {
            last = read();
            readAt = System.currentTimeMillis();
        }
        return last;
    }

    private SourceBinlog read() {
        String url = mysql.jdbcUrl("&connectTimeout=2000&socketTimeout=5000");
        try (Connection c = DriverManager.getConnection(url, mysql.user(), mysql.password());
             Statement st = c.createStatement()) {
            BinlogRetention retention = BinlogRetention.read(c);
            long seconds = retention.forever() ? 0
                    : retention.seconds() == BinlogRetention.AS_SOON_AS_POSSIBLE ? -1 : retention.seconds();
            long oldest = -1;
            long newest = -1;
            try (ResultSet rs = st.executeQuery("SHOW BINARY LOGS")) {
                while (rs.next()) {
                    long index = SourcePosition.binlogFileIndex(rs.getString(1));
                    oldest = oldest < 0 ? index : Math.min(oldest, index);
                    newest = Math.max(newest, index);
                }
            }
            java.util.Map<String, Long> estimates = MySqlRowEstimates.read(c, mysql.databases());
            // Rows 0: any retention under an hour is worth a warning, snapshot or not (restarts need the margin).
            String warning = retention.warning(0, mysql.host() + ":" + mysql.port());
            return new SourceBinlog(seconds, retention.setting(), warning, oldest, newest, estimates, null);
        } catch (Exception e) {
            return SourceBinlog.unknown("cannot read MySQL's binlog list: " + e.getMessage());
        }
    }
}
