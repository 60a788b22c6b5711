package io.tributary.app;

import io.tributary.cdc.source.MySqlSourceConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which MySQL server the state in {@code state.dir} was read from ({@code server_uuid}). A binlog
 * file and position only mean something on the server that wrote them: after a switch to another
 * server with GTIDs off, resuming would read unrelated changes, so start-up stops with what to do.
 * With GTIDs on, Debezium resumes by GTID set (and stops by itself if the new server lacks
 * transactions already read), and what is read there is versioned in the next epoch (the source's
 * {@code BinlogNumbering}), since the new server numbers its binlog its own way.
 */
final class MySqlServerIdentity {
    private static final Logger LOG = LoggerFactory.getLogger(MySqlServerIdentity.class);
    private static final String FILE = "mysql-server.txt";

    record Server(String uuid, boolean gtids) {}

    private MySqlServerIdentity() {}

    static Server read(MySqlSourceConfig mysql) {
        String url = mysql.jdbcUrl("");
        try (Connection c = DriverManager.getConnection(url, mysql.user(), mysql.password());
             Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT @@server_uuid, @@gtid_mode")) {
            rs.next();
            return new Server(rs.getString(1), "ON".equalsIgnoreCase(rs.getString(2)));
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read server_uuid from MySQL at " + mysql.host() + ":" + mysql.port()
                    + ": " + e.getMessage(), e);
        }
    }

    /** Refuses to resume state read from another server when positions cannot carry over. */
    static void check(Path stateDir, boolean resuming, Server now, String where) {
        Path file = stateDir.resolve(FILE);
        if (!resuming || !Files.exists(file)) {
            return;
        }
        String before = read(file);
        if (before.equals(now.uuid())) {
            return;
        }
        if (!now.gtids()) {
            throw new TributaryConfig.ConfigException("The MySQL server changed: the state in " + stateDir + " was read "
                    + "from server_uuid " + before + ", but " + where + " is " + now.uuid() + " and has GTIDs off "
                    + "(gtid_mode), so the stored binlog file and position mean nothing there. Start from a new snapshot: "
                    + "stop, delete " + stateDir + ", start (ClickHouse converges again). With gtid_mode=ON on both "
                    + "servers Tributary follows a switch by GTID set.");
        }
        LOG.warn("MySQL server changed from server_uuid {} to {} at {}: resuming by GTID set, with versions in the next "
                + "epoch; if this server lacks transactions already read, the pipeline stops with the recovery steps",
                before, now.uuid(), where);
    }

    static void record(Path stateDir, Server now) {
        try {
            Files.writeString(stateDir.resolve(FILE), now.uuid() + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + stateDir.resolve(FILE), e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
