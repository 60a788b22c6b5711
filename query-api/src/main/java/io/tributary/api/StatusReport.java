package io.tributary.api;

import io.tributary.api.query.PipelineProgress;
import io.tributary.cdc.event.SourcePosition;
import io.tributary.cdc.source.TableControl;
import io.tributary.sink.clickhouse.control.ClickHouseTableControl;
import io.tributary.sink.clickhouse.client.ClickHouseHttp;
import io.tributary.sink.clickhouse.schema.TableNames;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** The body of {@code /status}: the pipeline's state and, per table, position, lag, throughput and rows. */
final class StatusReport {
    private final ClickHouseHttp clickhouse;
    private final PipelineProgress progress;
    private final Supplier<String> pipelineState;
    private final Supplier<SourceBinlog> binlog;
    private final String statusDatabase;
    private final io.tributary.api.query.ChunkCheckSummary checks;

    StatusReport(ClickHouseHttp clickhouse, PipelineProgress progress, Supplier<String> pipelineState,
                 Supplier<SourceBinlog> binlog, String statusDatabase, io.tributary.api.query.ChunkCheckSummary checks) {
        this.clickhouse = clickhouse;
        this.checks = checks;
        this.statusDatabase = statusDatabase;
        this.progress = progress;
        this.pipelineState = pipelineState;
        this.binlog = binlog;
    }

    String pipelineState() {
        try {
            return pipelineState.get();
        } catch (RuntimeException e) {
            return "UNKNOWN";
        }
    }

    /**
     * Exact current row count of the user-facing view. Counting through FINAL scans the table, so a
     * count is kept until the table's next stored batch (a new version, or during a snapshot, whose
     * rows share one version, a new flush time).
     */
    private long rows(PipelineProgress.TableProgress t) {
        String table = t.database() + "." + t.table();
        CountAt known = counts.get(table);
        if (known != null && known.version().equals(t.version()) && known.flushedAt() == t.flushedAtMillis()) {
            return known.rows();
        }
        long rows = Long.parseLong(clickhouse.query("SELECT count() FROM " + new TableNames(t.database(), t.table()).view(),
                Map.of("readonly", "1")).trim());
        counts.put(table, new CountAt(t.version(), t.flushedAtMillis(), rows));
        return rows;
    }

    private record CountAt(java.math.BigInteger version, long flushedAt, long rows) {}

    /**
     * The newest snapshot of each table ({@code db.table} to position, scope, chunks skipped), from the
     * sink's snapshots table; empty when it cannot be read (a pipeline from before it existed).
     */
    private Map<String, Map<String, Object>> lastSnapshots() {
        Map<String, Map<String, Object>> out = new java.util.HashMap<>();
        String answer;
        try {
            answer = clickhouse.query("SELECT database, table, argMax(position, version), argMax(scope, version), "
                    + "argMax(chunks_skipped, version) FROM " + io.tributary.sink.clickhouse.schema.SnapshotsTable.qualifiedName(statusDatabase) + " "
                    + "GROUP BY database, table FORMAT TSVRaw", Map.of("readonly", "1"));
        } catch (RuntimeException e) {
            return out;
        }
        for (String line : answer.split("\n")) {
            String[] f = line.split("\t", -1);
            if (f.length == 5) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("position", f[2]);
                m.put("scope", f[3]);
                m.put("chunks_skipped", Long.parseLong(f[4]));
                out.put(f[0] + "." + f[1], m);
            }
        }
        return out;
    }

    private final java.util.concurrent.ConcurrentHashMap<String, CountAt> counts = new java.util.concurrent.ConcurrentHashMap<>();

    /** Parked tables and running resyncs, each also as a warning saying what to do. */
    private List<Object> parked(List<String> warnings) {
        List<Object> parked = new ArrayList<>();
        Map<String, TableControl.TableState> states;
        try {
            states = ClickHouseTableControl.read(clickhouse, statusDatabase);
        } catch (RuntimeException e) {
            warnings.add("Cannot read parked tables: " + e.getMessage());
            return parked;
        }
        states.forEach((table, state) -> {
            if (state.state() == TableControl.State.RESYNCED) {
                return;
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("table", table);
            m.put("state", state.state() == TableControl.State.PARKED ? "parked" : "resync_requested");
            m.put("since", Instant.ofEpochMilli(state.atMs()).toString());
            m.put("position", state.position());
            m.put("message", state.message());
            parked.add(m);
            warnings.add(state.state() == TableControl.State.PARKED
                    ? "Table " + table + " is PARKED since " + Instant.ofEpochMilli(state.atMs()) + " at " + state.position()
                    + " (its changes are not applied; the other tables keep flowing): " + state.message()
                    + " Fix the cause, then run: ./tributary resync --config FILE " + table
                    : "Table " + table + " is being re-read (resync requested " + Instant.ofEpochMilli(state.atMs()) + ")");
        });
        return parked;
    }

    Map<String, Object> build() {
        progress.refresh();
        PipelineProgress.Snapshot snapshot = progress.current();
        List<Object> tables = new ArrayList<>();
        long now = System.currentTimeMillis();
        SourceBinlog source = binlog.get();
        Map<String, Map<String, Object>> snapshots = lastSnapshots();
        io.tributary.api.query.ChunkCheckSummary.Summary verified = checks.current();
        for (PipelineProgress.TableProgress t : snapshot.tables()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("database", t.database());
            m.put("table", t.table());
            m.put("position", t.position());
            m.put("version", t.version().toString());
            m.put("source_ts", Instant.ofEpochMilli(t.sourceTsMillis()).toString());
            m.put("flushed_at", Instant.ofEpochMilli(t.flushedAtMillis()).toString());
            m.put("lag_ms", t.lagMillis());
            m.put("source_age_ms", Math.max(0, now - t.sourceTsMillis()));
            m.put("batch_rows", t.batchRows());
            m.put("insert_ms", t.insertMillis());
            m.put("events_per_s", t.eventsPerSecond());
            Map<String, Object> last = snapshots.get(t.database() + "." + t.table());
            if (last != null) {
                m.put("last_snapshot", last); // a resumed one says how many chunks it did not read again
            }
            io.tributary.api.query.ChunkCheckSummary.TableChecks checked = verified.tables().get(t.database() + "." + t.table());
            if (checked != null) {
                Map<String, Object> v = new LinkedHashMap<>();
                v.put("chunks_checked_24h", checked.checked());
                v.put("chunks_drifted_24h", checked.drifted());
                v.put("last_checked_at", Instant.ofEpochMilli(checked.lastCheckedAtMs()).toString());
                v.put("open_drifts", verified.openDrifts().stream()
                        .filter(d -> d.table().equals(t.database() + "." + t.table())).map(d -> d.keyRange()).toList());
                m.put("verification", v);
            }
            try {
                long rows = rows(t);
                m.put("rows", rows);
                if (t.position().endsWith("(snapshot)")) {
                    m.put("snapshot", source.snapshotProgress(t.database() + "." + t.table(), rows, t.eventsPerSecond()));
                }
            } catch (RuntimeException e) {
                // One table's count (e.g. dropped in MySQL a moment ago) must not take /status down.
                m.put("rows", null);
                m.put("error", e.getMessage());
            }
            tables.add(m);
        }
        tables.sort((a, b) -> (((Map<?, ?>) a).get("database") + "." + ((Map<?, ?>) a).get("table"))
                .compareTo(((Map<?, ?>) b).get("database") + "." + ((Map<?, ?>) b).get("table")));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("pipeline", pipelineState());
        out.put("status_readable", snapshot.readable());
        PipelineProgress.TableProgress newest = snapshot.tables().stream()
                .max((a, b) -> a.version().compareTo(b.version())).orElse(null);
        long reading = newest == null ? -1 : SourcePosition.fromVersionString(newest.version().toString()).binlogFileIndex();
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("retention_s", source.retentionSeconds());
        b.put("retention_setting", source.retentionSetting());
        b.put("oldest_file_index", source.oldestFileIndex());
        b.put("newest_file_index", source.newestFileIndex());
        b.put("reading_file_index", reading);
        if (source.error() != null) {
            b.put("error", source.error());
        }
        out.put("binlog", b);
        List<String> warnings = new ArrayList<>(source.warnings(reading,
                newest == null ? 0 : Math.max(0, now - newest.sourceTsMillis())));
        out.put("parked", parked(warnings));
        for (io.tributary.api.query.ChunkCheckSummary.OpenDrift d : verified.openDrifts()) {
            warnings.add("Table " + d.table() + " DRIFTED in ClickHouse: key range " + d.keyRange() + " differs from MySQL ("
                    + d.mysqlRows() + " rows in MySQL, " + d.clickhouseRows() + " in ClickHouse, checked "
                    + Instant.ofEpochMilli(d.checkedAtMs()) + "). With source.mysql.verify.repair on it is read again; "
                    + "otherwise run: ./tributary resync --config FILE " + d.table());
        }
        out.put("warnings", warnings);
        out.put("tables", tables);
        return out;
    }
}
