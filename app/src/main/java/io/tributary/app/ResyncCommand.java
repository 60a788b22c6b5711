package io.tributary.app;

import io.tributary.cdc.source.MySqlSourceConfig;
import io.tributary.cdc.source.TableControl;
import io.tributary.job.TributaryJobOptions;
import io.tributary.job.enrich.Enrichment;
import io.tributary.job.enrich.EnrichmentResolver;
import io.tributary.sink.clickhouse.control.ClickHouseTableControl;
import io.tributary.sink.clickhouse.sink.ClickHouseSinkConfig;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import org.apache.flink.configuration.Configuration;

/**
 * {@code tributary resync --config FILE db.table}: asks the running pipeline to re-read one table
 * online (a parked one, or any captured table) and waits until it is done. The pipeline keeps
 * streaming every other table meanwhile. Exit codes: 0 done, 2 refused, parked again or timed out.
 */
final class ResyncCommand {
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(10);

    private ResyncCommand() {}

    static int run(Configuration config, String table, Duration timeout, PrintStream out) throws Exception {
        MySqlSourceConfig mysql = MySqlSourceConfig.from(config);
        String captured = capturedTable(config, mysql, table);
        ClickHouseTableControl control = new ClickHouseTableControl(ClickHouseSinkConfig.from(config));
        TableControl.TableState before = control.states().get(captured);
        long requestedAt = control.requestResync(captured);
        out.println("resync: requested for " + captured + (before != null && before.state() == TableControl.State.PARKED
                ? " (parked at " + before.position() + ": " + before.message() + ")" : "")
                + "; the running pipeline re-reads it while the other tables keep flowing");
        long deadline = System.nanoTime() + timeout.toNanos();
        long nextProgress = System.nanoTime() + PROGRESS_EVERY.toNanos();
        while (System.nanoTime() < deadline) {
            TableControl.TableState state = control.states().get(captured);
            if (state != null && state.state() == TableControl.State.RESYNCED && state.atMs() >= requestedAt) {
                out.println("resync: " + captured + " re-read at " + state.position() + " and streaming again");
                return 0;
            }
            if (state != null && state.state() == TableControl.State.PARKED && state.atMs() > requestedAt) {
                out.println("resync: " + captured + " was parked again at " + state.position() + ": " + state.message());
                return 2;
            }
            if (System.nanoTime() > nextProgress) {
                out.println("resync: waiting for the pipeline to re-read " + captured + " (is it running?)");
                nextProgress = System.nanoTime() + PROGRESS_EVERY.toNanos();
            }
            Thread.sleep(250);
        }
        out.println("resync: not done after " + timeout.toSeconds() + " s; the request stays and the pipeline carries it "
                + "out when it runs. Check /status.");
        return 2;
    }

    /** The table as the pipeline names it, refused with the reason when a resync cannot work for it. */
    static String capturedTable(Configuration config, MySqlSourceConfig mysql, String table) throws Exception {
        String url = mysql.jdbcUrl("");
        try (Connection c = DriverManager.getConnection(url, mysql.user(), mysql.password())) {
            String found = Verify.capturedTables(c, mysql).stream().filter(t -> t.equals(table)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("resync: " + table + " is not a table this pipeline "
                            + "captures (databases " + mysql.databases() + (mysql.tables().isEmpty() ? ""
                            : ", tables " + mysql.tables()) + "); give it as db.table"));
            for (Enrichment e : new EnrichmentResolver(mysql).load(config.getOptional(TributaryJobOptions.ENRICHMENTS_DIR))) {
                if (e.tables().contains(found)) {
                    throw new IllegalArgumentException("resync: " + found + " is read by the enrichment " + e.name()
                            + ", whose state is built from the first snapshot; re-reading one of its tables is not "
                            + "supported. Stop the pipeline, delete its state.dir and start it (a new snapshot).");
                }
            }
            return found;
        }
    }
}
