package io.tributary.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.localservers.ClickHouseServer;
import io.tributary.localservers.MySqlServer;
import io.tributary.localservers.SharedServers;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * {@code tributary resync} of a big table goes through the snapshot's chunk engine while the binlog
 * keeps flowing: rows changed behind the pipeline's back in ClickHouse are repaired, the table's own
 * changes during the re-read (updates, deletes, inserts at both ends of its key range) are reconciled
 * chunk by chunk, and another table's changes reach ClickHouse while the re-read still runs. A resync
 * that held the binlog back (as the second Debezium did before) sees no marker of the other table
 * arrive in between; one without the reconciliation ends different.
 */
class OnlineResyncIT {
    private static final int ROWS = 600_000;

    @Test
    void resyncOfABigTableReadsItAgainWhileTheOthersStream() throws Exception {
        MySqlServer mysql = SharedServers.mysql();
        ClickHouseServer clickhouse = SharedServers.clickhouse();
        PipelineTestSupport.freshDatabase(mysql, clickhouse, "online");
        try (Connection c = PipelineTestSupport.mysqlAdmin(mysql, "online"); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE big (id INT PRIMARY KEY, v INT NOT NULL, note VARCHAR(30))");
            st.execute("CREATE TABLE other (id INT PRIMARY KEY, at_ms BIGINT NOT NULL)");
            st.execute("INSERT INTO other VALUES (0, 0)");
            st.execute("SET SESSION cte_max_recursion_depth = 1000000");
            st.execute("INSERT INTO big WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < "
                    + ROWS + ") SELECT n, n, CONCAT('row ', n) FROM seq");
        }
        Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "online-resync-");
        String token = "online-" + System.nanoTime();
        PipelineTestSupport.TestConfig setup = PipelineTestSupport.configure(dir, mysql, clickhouse, "online", token,
                Map.of("state.checkpoint-interval", "2s", "source.mysql.snapshot.chunk-rows", "5000",
                        "source.mysql.snapshot.threads", "1"));
        Path log = dir.resolve("run.log");
        Process pipeline = PipelineTestSupport.startPipeline(setup.file(), setup.env(), log);
        try (Connection c = PipelineTestSupport.mysqlAdmin(mysql, "online"); Statement st = c.createStatement()) {
            PipelineTestSupport.awaitEqual(setup.conf(), 240);

            // Changed behind the pipeline's back: verify sees it, and only a re-read can mend it.
            PipelineTestSupport.clickhouse(clickhouse, "ALTER TABLE online.big__versions UPDATE v = -1 WHERE id % 997 = 0 "
                    + "SETTINGS mutations_sync = 2");
            assertThat(PipelineTestSupport.verifyLine(setup.conf(), "online.big")).contains("DIFFERENT");

            AtomicBoolean stop = new AtomicBoolean();
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> writeWhileResyncing(mysql, stop));
            CompletableFuture<Integer> resync = CompletableFuture.supplyAsync(() -> resync(setup));
            List<Long> delaysMs = new ArrayList<>();
            int seenDuringResync = 0;
            int marker = 0;
            try {
                PipelineTestSupport.awaitLogLine(log, "Resync of online.big without locks", 120);
                while (!resync.isDone() && !Files.readString(log).contains("Resync of online.big read")) {
                    long at = System.currentTimeMillis();
                    st.executeUpdate("INSERT INTO other VALUES (" + ++marker + ", " + at + ")");
                    if (!awaitRow(clickhouse, marker, 30)) {
                        break;
                    }
                    long seen = System.currentTimeMillis();
                    // Seen in ClickHouse before the resync logged its end: the binlog flowed during the re-read.
                    if (!Files.readString(log).contains("Resync of online.big read")) {
                        seenDuringResync++;
                        delaysMs.add(seen - at);
                    }
                    Thread.sleep(100);
                }
                assertThat(resync.get(240, TimeUnit.SECONDS)).isZero();
            } finally {
                stop.set(true);
                writer.get(60, TimeUnit.SECONDS);
            }
            System.out.println("OnlineResyncIT: " + seenDuringResync + " change(s) of online.other reached ClickHouse "
                    + "during the resync of " + ROWS + " rows; commit to ClickHouse " + delaysMs + " ms");
            assertThat(seenDuringResync).as("changes of another table reach ClickHouse while the resync reads")
                    .isGreaterThanOrEqualTo(3);

            String equal = PipelineTestSupport.awaitEqual(setup.conf(), 180);
            assertThat(equal).contains("online.big").contains("online.other");
            String logText = Files.readString(log);
            assertThat(logText).contains("Resync of online.big without locks")
                    .containsPattern("Resync of online\\.big: \\d+ chunk\\(s\\) read without locks");
        } finally {
            pipeline.destroy();
            pipeline.waitFor(120, TimeUnit.SECONDS);
        }
    }

    /**
     * A TRUNCATE of the table while its resync reads it: the read so far is of rows that are gone, so the
     * resync starts again from the start and ClickHouse ends with only the rows written after it.
     */
    @Test
    void aTruncateDuringTheResyncStartsItAgain() throws Exception {
        MySqlServer mysql = SharedServers.mysql();
        ClickHouseServer clickhouse = SharedServers.clickhouse();
        PipelineTestSupport.freshDatabase(mysql, clickhouse, "resynctrunc");
        try (Connection c = PipelineTestSupport.mysqlAdmin(mysql, "resynctrunc"); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE big (id INT PRIMARY KEY, v INT NOT NULL)");
            st.execute("SET SESSION cte_max_recursion_depth = 1000000");
            st.execute("INSERT INTO big WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < 400000) "
                    + "SELECT n, n FROM seq");
        }
        Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "resync-truncate-");
        PipelineTestSupport.TestConfig setup = PipelineTestSupport.configure(dir, mysql, clickhouse, "resynctrunc",
                "trunc-" + System.nanoTime(), Map.of("state.checkpoint-interval", "2s",
                        "source.mysql.snapshot.chunk-rows", "5000", "source.mysql.snapshot.threads", "1"));
        Path log = dir.resolve("run.log");
        Process pipeline = PipelineTestSupport.startPipeline(setup.file(), setup.env(), log);
        try (Connection c = PipelineTestSupport.mysqlAdmin(mysql, "resynctrunc"); Statement st = c.createStatement()) {
            PipelineTestSupport.awaitEqual(setup.conf(), 240);
            CompletableFuture<Integer> resync = CompletableFuture.supplyAsync(() -> resync(setup, "resynctrunc.big"));
            PipelineTestSupport.awaitLogLine(log, "Resync of resynctrunc.big without locks", 120);
            st.execute("TRUNCATE TABLE big");
            st.execute("INSERT INTO big VALUES (7, 70), (400001, 1), (-3, 30)");
            assertThat(resync.get(240, TimeUnit.SECONDS)).isZero();
            assertThat(Files.readString(log)).contains("Resync of resynctrunc.big starts again");
            assertThat(PipelineTestSupport.awaitEqual(setup.conf(), 180)).contains("resynctrunc.big");
            assertThat(PipelineTestSupport.clickhouse(clickhouse, "SELECT count() FROM resynctrunc.big")).isEqualTo("3");
        } finally {
            pipeline.destroy();
            pipeline.waitFor(120, TimeUnit.SECONDS);
        }
    }

    private static int resync(PipelineTestSupport.TestConfig setup) {
        return resync(setup, "online.big");
    }

    private static int resync(PipelineTestSupport.TestConfig setup, String table) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            int code = ResyncCommand.run(setup.conf(), table, Duration.ofSeconds(240),
                    new PrintStream(out, true, StandardCharsets.UTF_8));
            System.out.print(out.toString(StandardCharsets.UTF_8));
            return code;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Updates, deletes, multi-statement transactions and inserts below and above the key range of big. */
    private static void writeWhileResyncing(MySqlServer mysql, AtomicBoolean stop) {
        Random random = new Random(23);
        int below = 0;
        int above = ROWS;
        try (Connection c = PipelineTestSupport.mysqlAdmin(mysql, "online"); Statement st = c.createStatement()) {
            while (!stop.get()) {
                int id = 1 + random.nextInt(ROWS);
                switch (random.nextInt(5)) {
                    case 0 -> st.executeUpdate("DELETE FROM big WHERE id = " + id);
                    case 1 -> st.executeUpdate("INSERT INTO big VALUES (" + --below + ", 1, 'below')");
                    case 2 -> st.executeUpdate("INSERT INTO big VALUES (" + ++above + ", 2, 'above')");
                    case 3 -> {
                        c.setAutoCommit(false);
                        st.executeUpdate("UPDATE big SET v = v + 1, note = 'tx' WHERE id = " + id);
                        st.executeUpdate("UPDATE big SET v = v - 1 WHERE id = " + (1 + random.nextInt(ROWS)));
                        st.executeUpdate("INSERT INTO big VALUES (" + ++above + ", 3, 'tx') ON DUPLICATE KEY UPDATE v = 0");
                        c.commit();
                        c.setAutoCommit(true);
                    }
                    default -> st.executeUpdate("UPDATE big SET v = v * 2, note = NULL WHERE id = " + id);
                }
                Thread.sleep(2);
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean awaitRow(ClickHouseServer clickhouse, int id, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            if ("1".equals(PipelineTestSupport.clickhouse(clickhouse, "SELECT count() FROM online.other WHERE id = " + id))) {
                return true;
            }
            Thread.sleep(20);
        }
        return false;
    }
}
