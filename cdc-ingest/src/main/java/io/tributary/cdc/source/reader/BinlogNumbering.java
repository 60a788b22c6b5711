package io.tributary.cdc.source.reader;

import io.tributary.cdc.event.SourcePosition;
import io.tributary.cdc.source.MySqlSourceConfig;
import io.tributary.cdc.source.split.BinlogSplit;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.runtime.execution.SuppressRestartsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks, when resuming, that positions read from the server can be compared with the stored
 * one. Rows are versioned by binlog position and changes at or before the last one passed are
 * taken for repeats, so changes read at lower positions would lose against older rows in
 * ClickHouse: silently stale data.
 *
 * <p>Another server ({@code server_uuid} changed: a failover by GTID set) numbers its binlog its
 * own way, so its positions cannot be compared with the stored one at all: Debezium resumes there
 * by GTID set, and what is read from it is versioned in the next epoch, above everything read
 * before ({@link SourcePosition#withEpoch}). On the same server the numbering goes back after
 * RESET MASTER: on the server that wrote the stored position, its file is either listed and at
 * least that long, or purged with a lower index than the files listed; anything else is another
 * numbering, and the pipeline stops with the recovery. (A new epoch would not help there: Debezium
 * resumes at the start of the last transaction it passed, which RESET MASTER removed, so it refuses
 * to resume anyway; tried, it reported the binlog as purged.)
 */
final class BinlogNumbering {
    private static final Logger LOG = LoggerFactory.getLogger(BinlogNumbering.class);

    private BinlogNumbering() {}

    /** The server read from now and the epoch of the versions read from it. */
    record Reading(String serverUuid, int epoch, boolean gtids) {}

    /** What the server says about itself: its identity, whether it has GTIDs on, its binlog files and sizes. */
    record Server(String uuid, boolean gtids, Map<String, Long> logs) {}

    /**
     * Where the reader of {@code split} stands on this server; stops the pipeline for good (no
     * restarts) when the stored position cannot be carried over.
     */
    static Reading resume(MySqlSourceConfig config, BinlogSplit split) {
        Server server = read(config);
        if (split.offsetValue() == null) {
            return new Reading(server.uuid(), split.epoch(), server.gtids());
        }
        String where = "MySQL at " + config.host() + ":" + config.port();
        String file = SourceFailures.field(split.offsetValue(), "file");
        String position = SourceFailures.field(split.offsetValue(), "pos");
        Decision decision = decide(split, server, file, position);
        decision.problem().ifPresent(message -> {
            throw new SuppressRestartsException(new IllegalStateException(where + " " + message));
        });
        Reading reading = decision.reading();
        if (reading.epoch() != split.epoch()) {
            LOG.warn("{} is another server (server_uuid {}, was {}): resuming by GTID set; what is read from it is "
                    + "versioned in epoch {}, after everything read before", where, server.uuid(), split.serverUuid(),
                    reading.epoch());
        }
        return reading;
    }

    /** The reading to go on with, or why there is none. */
    record Decision(Reading reading, Optional<String> problem) {}

    static Decision decide(BinlogSplit split, Server server, String storedFile, String storedPosition) {
        if (split.serverUuid() != null && !split.serverUuid().equals(server.uuid())) {
            if (!server.gtids()) {
                return refuse("is another server (server_uuid " + server.uuid() + "; the stored position was read from "
                        + split.serverUuid() + ") with GTIDs off (gtid_mode), so the stored binlog file and position "
                        + "mean nothing here and nothing was read. With gtid_mode=ON on both servers Tributary follows a "
                        + "switch by GTID set. Otherwise start from a new snapshot: stop Tributary, delete its state "
                        + "directory (state.dir) and start it again.");
            }
            if (split.epoch() >= SourcePosition.MAX_EPOCH) {
                return refuse("is another server (server_uuid " + server.uuid() + "), and Tributary's row versions have "
                        + "no epoch left for it after " + SourcePosition.MAX_EPOCH + " switches. Start over: stop "
                        + "Tributary, drop its ClickHouse databases, delete its state directory (state.dir) and start it "
                        + "again.");
            }
            return new Decision(new Reading(server.uuid(), split.epoch() + 1, server.gtids()), Optional.empty());
        }
        if (!storedFile.isEmpty() && !"?".equals(storedFile) && storedPosition.matches("\\d+")) {
            Optional<String> problem = problem(storedFile, Long.parseLong(storedPosition), server.logs());
            if (problem.isPresent()) {
                return new Decision(null, problem);
            }
        }
        return new Decision(new Reading(server.uuid(), split.epoch(), server.gtids()), Optional.empty());
    }

    private static Decision refuse(String message) {
        return new Decision(null, Optional.of(message));
    }

    private static Server read(MySqlSourceConfig config) {
        try (Connection c = DriverManager.getConnection(config.jdbcUrl(""), config.user(), config.password());
             Statement st = c.createStatement()) {
            String uuid;
            boolean gtids;
            try (ResultSet rs = st.executeQuery("SELECT @@server_uuid, @@gtid_mode")) {
                rs.next();
                uuid = rs.getString(1);
                gtids = "ON".equalsIgnoreCase(rs.getString(2));
            }
            Map<String, Long> logs = new LinkedHashMap<>();
            try (ResultSet rs = st.executeQuery("SHOW BINARY LOGS")) {
                while (rs.next()) {
                    logs.put(rs.getString(1), rs.getLong(2));
                }
            }
            return new Server(uuid, gtids, logs);
        } catch (SQLException e) {
            // Retriable like any connection failure: the job restarts from its checkpoint and checks again.
            throw new IllegalStateException("Cannot read the identity and binlog files of MySQL at " + config.host() + ":"
                    + config.port() + " (SHOW BINARY LOGS needs REPLICATION CLIENT): " + e.getMessage(), e);
        }
    }

    /** @param logs the server's binlog files, oldest first, with their sizes ({@code SHOW BINARY LOGS}) */
    static Optional<String> problem(String storedFile, long storedPosition, Map<String, Long> logs) {
        if (logs.isEmpty()) {
            return Optional.empty(); // binary logging off: Debezium's own start-up check says so
        }
        String listed = String.join(", ", logs.keySet().size() <= 4 ? logs.keySet()
                : List.of(logs.keySet().iterator().next(), "...", lastOf(logs)));
        Long size = logs.get(storedFile);
        String found;
        if (size != null) {
            if (storedPosition <= size) {
                return Optional.empty();
            }
            found = "has " + storedFile + " with " + size + " bytes, shorter than the stored position " + storedFile
                    + ":" + storedPosition + ", so it is another file of the same name";
        } else {
            long newest = SourcePosition.binlogFileIndex(lastOf(logs));
            if (SourcePosition.binlogFileIndex(storedFile) < newest) {
                return Optional.empty(); // purged: what follows has higher positions, Debezium reports what is missing
            }
            found = "numbers its binlog files behind the stored position " + storedFile + ":" + storedPosition
                    + " (its files: " + listed + ")";
        }
        return Optional.of(found + ". This happens after RESET MASTER (RESET BINARY LOGS AND GTIDS from MySQL 8.2), "
                + "or on a server restored from a backup (a switch "
                + "to a server with another server_uuid is followed by GTID set). Tributary versions ClickHouse "
                + "rows by binlog position, so the changes read from here would lose against older rows, and nothing was "
                + "read. To recover: stop Tributary, delete its state "
                + "directory (state.dir) and start it again, to take a new snapshot of this server. That start first "
                + "lists the ClickHouse statements that remove the rows of the old numbering, which the new ones "
                + "could not replace.");
    }

    private static String lastOf(Map<String, Long> logs) {
        String last = null;
        for (String name : logs.keySet()) {
            last = name;
        }
        return last;
    }
}
