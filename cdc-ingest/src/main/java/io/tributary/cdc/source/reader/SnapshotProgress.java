package io.tributary.cdc.source.reader;

import io.tributary.cdc.source.MySqlRowEstimates;
import io.tributary.cdc.source.MySqlSourceConfig;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs the snapshot's progress per table every {@link #EVERY_MS} ms: rows read, MySQL's row
 * estimate (InnoDB's statistics, read once per database), rate and time left.
 */
final class SnapshotProgress {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotProgress.class);
    static final long EVERY_MS = 10_000;

    private final Map<String, long[]> tables = new LinkedHashMap<>(); // table -> {rows, rows at last log, estimate}
    private long lastLogAt = System.currentTimeMillis();
    /** MySQL's estimates by database, read at the first row of the database's first table. */
    private final Map<String, Map<String, Long>> estimates = new java.util.HashMap<>();

    /** Reads a database's row estimates (MySQL's, or a test's). */
    private final java.util.function.Function<String, Map<String, Long>> reader;

    SnapshotProgress(MySqlSourceConfig config) {
        this(database -> readEstimates(config, database));
    }

    /** {@code reader}: a database's row estimates by {@code db.table}. */
    SnapshotProgress(java.util.function.Function<String, Map<String, Long>> reader) {
        this.reader = reader;
    }

    /** The estimate the progress lines of {@code table} give, -1 when MySQL has none. */
    long estimateOf(String table) {
        long[] t = tables.get(table);
        return t == null ? -1 : t[2];
    }

    /**
     * {@code table} is read in part, {@code share} of its chunks (a resumed snapshot skips those done before
     * the restart): its rows are counted against that share of MySQL's estimate, not the whole table's.
     */
    void readsPart(String table, double share) {
        if (share < 1.0 && !tables.containsKey(table)) {
            long whole = estimate(table);
            tables.put(table, new long[] {0, 0, whole < 0 ? whole : Math.round(whole * share)});
        }
    }

    /** {@code table} is read again (a resync): counted from zero, against MySQL's estimate of now. */
    void startsOver(String table) {
        tables.remove(table);
        estimates.remove(table.substring(0, table.indexOf('.')));
    }

    void snapshotRow(String table) {
        long[] t = tables.computeIfAbsent(table, k -> new long[] {0, 0, estimate(k)});
        t[0]++;
        long now = System.currentTimeMillis();
        if (now - lastLogAt >= EVERY_MS) {
            double seconds = (now - lastLogAt) / 1000.0;
            tables.forEach((name, c) -> {
                if (c[0] > c[1]) {
                    LOG.info(line(name, c[0], c[2], (c[0] - c[1]) / seconds));
                    c[1] = c[0];
                }
            });
            lastLogAt = now;
        }
    }

    /** E.g. "Snapshot of shop.orders: 1,200,000 of ~2,000,000 rows (60 %), 58,000 rows/s, about 14 s left". */
    static String line(String table, long rows, long estimate, double rowsPerSecond) {
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "Snapshot of %s: %,d", table, rows));
        if (estimate > rows) {
            s.append(String.format(Locale.ROOT, " of ~%,d rows (%d %%)", estimate, rows * 100 / estimate));
        } else if (estimate > 0) {
            // No percentage or time left from an estimate already passed: "99 %" for minutes would mislead.
            s.append(String.format(Locale.ROOT, " rows (more than MySQL's estimate of ~%,d)", estimate));
        } else {
            s.append(" rows");
        }
        s.append(String.format(Locale.ROOT, ", %,.0f rows/s", rowsPerSecond));
        if (estimate > rows && rowsPerSecond > 0) {
            s.append(String.format(Locale.ROOT, ", about %,d s left", Math.round((estimate - rows) / rowsPerSecond)));
        }
        return s.toString();
    }

    /**
     * MySQL's estimate (InnoDB statistics, can be off by some percent); -1 when it cannot be read. One
     * query answers for every table of the database: asked once a table, on the reader's thread, a schema
     * of 3,000 tables spent a quarter of its snapshot here, each time on all of them (docs/scaling.md).
     */
    private long estimate(String table) {
        String database = table.substring(0, table.indexOf('.'));
        return estimates.computeIfAbsent(database, reader).getOrDefault(table, -1L);
    }

    private static Map<String, Long> readEstimates(MySqlSourceConfig config, String database) {
        String url = config.jdbcUrl("&connectTimeout=2000&socketTimeout=5000");
        try (Connection c = DriverManager.getConnection(url, config.user(), config.password())) {
            return MySqlRowEstimates.read(c, List.of(database));
        } catch (Exception e) {
            LOG.debug("No row estimates for {}: {}", database, e.getMessage());
            return Map.of();
        }
    }
}
