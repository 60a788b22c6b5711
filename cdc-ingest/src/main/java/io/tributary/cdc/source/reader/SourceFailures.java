package io.tributary.cdc.source.reader;

import java.util.Locale;
import java.util.Map;
import org.apache.flink.runtime.execution.SuppressRestartsException;

/**
 * Tells failures a restart can cure (MySQL restarting, a network cut: the job restarts from its
 * checkpoint with backoff) from those it cannot: the binlog at the stored position is gone. Those
 * stop the pipeline for good, with what happened and the exact recovery steps, instead of
 * restarting forever.
 */
final class SourceFailures {
    private SourceFailures() {}

    /**
     * @param lastOffset  Debezium's offset of the last record read in this run, or null
     * @param storedOffset the offset restored from the checkpoint (Debezium's JSON), or null
     */
    static RuntimeException classify(Throwable failure, Map<String, ?> lastOffset, String storedOffset) {
        String text = messages(failure).toLowerCase(Locale.ROOT);
        if (text.contains("no longer available on the server") || text.contains("have been purged")
                || text.contains("could not find first log file name in binary log index file")) {
            String where = lastOffset != null
                    ? "the stored position " + lastOffset.get("file") + ":" + lastOffset.get("pos")
                    : "the stored position " + field(storedOffset, "file") + ":" + field(storedOffset, "pos");
            return new SuppressRestartsException(new IllegalStateException("MySQL no longer has the binlog at " + where
                    + ": it was purged (binlog_expire_logs_seconds, PURGE BINARY LOGS) or the server was replaced while "
                    + "Tributary was stopped. The changes made since cannot be read, so ClickHouse cannot be kept equal "
                    + "from here. To recover: stop Tributary, delete its state directory (state.dir) and start it again; "
                    + "it takes a new snapshot and replaces the older ClickHouse rows. To prevent it: keep binlogs "
                    + "longer than the longest pipeline downtime. (MySQL said: " + firstLine(failure) + ")", failure));
        }
        if (text.contains("more gtids than the") || text.contains("gtid set") && text.contains("not a subset")) {
            return new SuppressRestartsException(new IllegalStateException("MySQL does not have transactions Tributary "
                    + "already read (its GTID set is behind the stored one): the server was switched to one that is "
                    + "behind, or it lost binlog after a crash. ClickHouse may hold changes this server never had. To "
                    + "recover: stop Tributary, delete its state directory (state.dir) and start it again; it takes a "
                    + "new snapshot of this server and replaces the ClickHouse rows. (MySQL said: " + firstLine(failure)
                    + ")", failure));
        }
        return new IllegalStateException("MySQL source failed: " + failure.getMessage(), failure);
    }

    /** A value from Debezium's offset JSON, e.g. {"file":"binlog.000002","pos":2254,...}. */
    static String field(String offsetJson, String name) {
        if (offsetJson == null) {
            return "?";
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"" + name + "\"\\s*:\\s*\"?([^\",}]*)").matcher(offsetJson);
        return m.find() ? m.group(1) : "?";
    }

    private static String messages(Throwable t) {
        StringBuilder b = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            b.append(c.getMessage()).append('\n');
        }
        return b.toString();
    }

    private static String firstLine(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        String m = String.valueOf(root.getMessage());
        int nl = m.indexOf('\n');
        String line = nl < 0 ? m : m.substring(0, nl);
        return line.length() > 160 ? line.substring(0, 160) + "..." : line;
    }
}
