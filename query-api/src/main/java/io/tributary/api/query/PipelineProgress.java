package io.tributary.api.query;

import io.tributary.sink.clickhouse.client.ClickHouseException;
import io.tributary.sink.clickhouse.client.ClickHouseHttp;
import io.tributary.sink.clickhouse.schema.StatusTable;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the pipeline has applied, read from {@code <status database>.table_status} every 250 ms:
 * the basis of every answer's freshness, of cache invalidation (answers are cached per data
 * version, the newest applied position) and of the pipeline metrics.
 */
public final class PipelineProgress implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PipelineProgress.class);

    /** One captured table's last applied batch. Times are epoch milliseconds. */
    public record TableProgress(String database, String table, String position, BigInteger version, long sourceTsMillis,
                                long flushedAtMillis, long batchRows, long insertMillis, double eventsPerSecond) {
        /** How far behind MySQL the table was when its last batch was stored. */
        public long lagMillis() {
            return Math.max(0, flushedAtMillis - sourceTsMillis);
        }
    }

    /** All tables at one moment; {@code readable} is false while ClickHouse cannot be asked. */
    public record Snapshot(List<TableProgress> tables, boolean readable, long readAtMillis) {
        static final Snapshot NONE = new Snapshot(List.of(), false, 0);

        /** The newest applied change over all tables: a new batch anywhere makes it larger. */
        public TableProgress newest() {
            TableProgress best = null;
            for (TableProgress t : tables) {
                if (best == null || t.version().compareTo(best.version()) > 0) {
                    best = t;
                }
            }
            return best;
        }

        public String dataVersion() {
            TableProgress n = newest();
            return n == null ? "0" : n.version().toString();
        }
    }

    private final ClickHouseHttp clickhouse;
    private final String statusDatabase;
    private final ScheduledExecutorService poller;
    private volatile Snapshot current = Snapshot.NONE;

    public PipelineProgress(ClickHouseHttp clickhouse, String statusDatabase) {
        this.clickhouse = clickhouse;
        this.statusDatabase = statusDatabase;
        refresh();
        poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "pipeline-progress");
            t.setDaemon(true);
            return t;
        });
        poller.scheduleWithFixedDelay(this::refresh, 250, 250, TimeUnit.MILLISECONDS);
    }

    public Snapshot current() {
        return current;
    }

    /** Reads the status table now (also used by tests that must see a batch at once). */
    public void refresh() {
        try {
            String tsv = clickhouse.query("SELECT database, table, position, toString(version), "
                    + "toUnixTimestamp64Milli(source_ts), toUnixTimestamp64Milli(flushed_at), batch_rows, insert_ms, "
                    + "events_per_s FROM " + StatusTable.qualifiedName(statusDatabase) + " FINAL FORMAT TSV",
                    Map.of("readonly", "1"));
            List<TableProgress> tables = new ArrayList<>();
            for (String line : tsv.split("\n")) {
                if (line.isEmpty()) {
                    continue;
                }
                String[] f = line.split("\t", -1);
                tables.add(new TableProgress(unescape(f[0]), unescape(f[1]), unescape(f[2]), new BigInteger(f[3]),
                        Long.parseLong(f[4]), Long.parseLong(f[5]), Long.parseLong(f[6]), Long.parseLong(f[7]),
                        Double.parseDouble(f[8])));
            }
            current = new Snapshot(List.copyOf(tables), true, System.currentTimeMillis());
        } catch (ClickHouseException e) {
            if (e.code() == 60 || e.code() == 81) {
                // No status table (or database) yet: the pipeline has not stored anything.
                current = new Snapshot(List.of(), true, System.currentTimeMillis());
            } else {
                if (current.readable()) {
                    LOG.warn("cannot read pipeline progress: {}", e.getMessage());
                }
                current = new Snapshot(current.tables(), false, current.readAtMillis());
            }
        } catch (RuntimeException e) {
            LOG.warn("cannot read pipeline progress", e);
        }
    }

    private static String unescape(String tsv) {
        return tsv.replace("\\t", "\t").replace("\\n", "\n").replace("\\\\", "\\");
    }

    @Override
    public void close() {
        poller.shutdownNow();
    }
}
