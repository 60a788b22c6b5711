package io.tributary.cdc.source.reader;

import io.tributary.cdc.event.SourcePosition;
import io.tributary.cdc.source.MySqlSourceConfig;
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

/**
 * Checks, when resuming, that the server's binlog numbering has not gone back behind the stored
 * position. Rows are versioned by binlog position and changes at or before the last one passed are
 * taken for repeats, so changes read at lower positions would lose against older rows in
 * ClickHouse: silently stale data. The numbering goes back after RESET MASTER, or after a switch by
 * GTID set to a server that numbers its binlog files differently. On the server that wrote the
 * stored position, its file is either listed and at least that long, or purged with a lower index
 * than the files listed; anything else is another numbering.
 */
final class BinlogNumbering {
    private BinlogNumbering() {}

    /** Stops the pipeline for good (no restarts) if the server's binlog numbering is behind the stored position. */
    static void requireNotBehind(MySqlSourceConfig config, String storedFile, long storedPosition) {
        Map<String, Long> logs;
        try (Connection c = DriverManager.getConnection(config.jdbcUrl(""), config.user(), config.password());
             Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SHOW BINARY LOGS")) {
            logs = new LinkedHashMap<>();
            while (rs.next()) {
                logs.put(rs.getString(1), rs.getLong(2));
            }
        } catch (SQLException e) {
            // Retriable like any connection failure: the job restarts from its checkpoint and checks again.
            throw new IllegalStateException("Cannot list the binlog files of MySQL at " + config.host() + ":" + config.port()
                    + " (SHOW BINARY LOGS needs REPLICATION CLIENT): " + e.getMessage(), e);
        }
        problem(storedFile, storedPosition, logs).ifPresent(message -> {
            throw new SuppressRestartsException(new IllegalStateException("MySQL at " + config.host() + ":" + config.port()
                    + " " + message));
        });
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
        return Optional.of(found + ". This happens after RESET MASTER, or when the server was replaced by one that "
                + "numbers its binlog differently (a switch by GTID set, a restored backup). Tributary versions ClickHouse "
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
