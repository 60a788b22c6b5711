package io.tributary.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.localservers.ClickHouseServer;
import io.tributary.localservers.MySqlServer;
import io.tributary.localservers.SharedServers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The parallel snapshot while MySQL keeps changing: writes run from before the pipeline starts
 * until after its snapshot ended, so some commit between Debezium's start position and the
 * snapshot's read views, some while the slices are read. A sliced table, a table with a composite
 * key (one slice) and a table without a key (a changelog, where a change counted twice or lost
 * would show as a row too many or too few) must all end equal to MySQL, row by row.
 */
class SnapshotUnderWritesIT {
    private static final int ROWS = 300_000;

    @Test
    void snapshotWhileWritingEndsEqual() throws Exception {
        MySqlServer mysql = SharedServers.mysql();
        ClickHouseServer clickhouse = SharedServers.clickhouse();
        try (Connection c = PipelineTestSupport.mysqlAdmin(mysql, ""); Statement st = c.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS snapw");
            st.execute("CREATE DATABASE snapw");
            st.execute("CREATE TABLE snapw.items (id INT PRIMARY KEY, v VARCHAR(40), n INT)");
            st.execute("CREATE TABLE snapw.pairs (a INT, b INT, v INT, PRIMARY KEY (a, b))");
            st.execute("CREATE TABLE snapw.notes (note VARCHAR(40), n INT)");
            st.execute("SET SESSION cte_max_recursion_depth = 1000000");
            st.execute("INSERT INTO snapw.items WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq "
                    + "WHERE i < " + ROWS + ") SELECT i, CONCAT('item ', i), i FROM seq");
            st.execute("INSERT INTO snapw.pairs WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq "
                    + "WHERE i < 20000) SELECT i DIV 100, i MOD 100, i FROM seq");
            st.execute("INSERT INTO snapw.notes WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq "
                    + "WHERE i < 10000) SELECT CONCAT('note ', i MOD 500), i MOD 7 FROM seq");
        }
        PipelineTestSupport.clickhouse(clickhouse, "DROP DATABASE IF EXISTS snapw");
        Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "snapshot-writes-");
        PipelineTestSupport.TestConfig setup = PipelineTestSupport.configure(dir, mysql, clickhouse, "snapw", "snapw",
                Map.of("sink.clickhouse.status-database", "tributary_snapw", "source.mysql.snapshot.chunk-rows", "20000",
                        "source.mysql.snapshot.threads", "2"));
        Path log = dir.resolve("run.log");

        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong statements = new AtomicLong();
        AtomicReference<Throwable> writerFailure = new AtomicReference<>();
        Thread writer = new Thread(() -> write(mysql, stop, statements, writerFailure), "snapshot-writer");
        writer.start();
        Process pipeline = null;
        try {
            awaitStatements(statements, 200);
            long beforeStart = statements.get();
            pipeline = PipelineTestSupport.startPipeline(setup.file(), setup.env(), log);
            awaitLogLine(log, "ParallelSnapshot - Snapshot at ", 180);
            long atSnapshotEnd = statements.get();
            awaitStatements(statements, atSnapshotEnd + 500);
            stop.set(true);
            writer.join(30_000);
            assertThat(writerFailure.get()).isNull();
            assertThat(atSnapshotEnd - beforeStart).as("writes while the pipeline started and snapshotted")
                    .isGreaterThan(1000);
            String runLog = Files.readString(log);
            assertThat(runLog).contains("Snapshot of 3 table(s)").contains("by 2 thread(s)");
            PipelineTestSupport.awaitEqual(setup.conf(), 240);
        } finally {
            stop.set(true);
            writer.join(30_000);
            if (pipeline != null) {
                pipeline.destroy();
                pipeline.waitFor(60, TimeUnit.SECONDS);
            }
        }
    }

    /**
     * Heavy writes behind a snapshot: Debezium's binlog connection waits unread while the rows are
     * handed out, and MySQL drops it then (here: KILL of its dump thread in the middle of the
     * snapshot, as a server restart or net_write_timeout would). Debezium reconnects once the
     * snapshot ended. Every change must arrive once.
     */
    @Test
    void binlogConnectionDroppedDuringSnapshotEndsEqual() throws Exception {
        MySqlServer mysql = SharedServers.mysql();
        ClickHouseServer clickhouse = SharedServers.clickhouse();
        try (Connection c = PipelineTestSupport.mysqlAdmin(mysql, ""); Statement st = c.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS snapdrop");
            st.execute("CREATE DATABASE snapdrop");
            st.execute("CREATE TABLE snapdrop.items (id INT PRIMARY KEY, v VARCHAR(250), n INT)");
            st.execute("CREATE TABLE snapdrop.notes (note VARCHAR(40), n INT)");
            st.execute("SET SESSION cte_max_recursion_depth = 2000000");
            st.execute("INSERT INTO snapdrop.items WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq "
                    + "WHERE i < 2000000) SELECT i, CONCAT('item ', i), i FROM seq");
        }
        PipelineTestSupport.clickhouse(clickhouse, "DROP DATABASE IF EXISTS snapdrop");
        Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "snapshot-drop-");
        PipelineTestSupport.TestConfig setup = PipelineTestSupport.configure(dir, mysql, clickhouse, "snapdrop",
                "snapdrop", Map.of("sink.clickhouse.status-database", "tributary_snapdrop"));
        Path log = dir.resolve("run.log");
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong statements = new AtomicLong();
        AtomicReference<Throwable> writerFailure = new AtomicReference<>();
        Thread writer = new Thread(() -> writeBulk(mysql, stop, statements, writerFailure), "bulk-writer");
        Process pipeline = null;
        try {
            pipeline = PipelineTestSupport.startPipeline(setup.file(), setup.env(), log);
            awaitLogLine(log, "read views opened under a global read lock", 180);
            writer.start();
            awaitStatements(statements, 8); // 40,000 row changes: more than the queues between binlog and job hold
            assertThat(Files.readString(log)).as("still snapshotting").doesNotContain("ParallelSnapshot - Snapshot at ");
            assertThat(killBinlogDumps(mysql)).as("binlog dump threads killed").isPositive();
            awaitLogLine(log, "ParallelSnapshot - Snapshot at ", 180);
            awaitStatements(statements, statements.get() + 20);
            stop.set(true);
            writer.join(30_000);
            assertThat(writerFailure.get()).isNull();
            PipelineTestSupport.awaitEqual(setup.conf(), 300);
            assertThat(Files.readString(log).split("INFO: Connected to ", -1).length - 1)
                    .as("Debezium's binlog client connected again after the kill").isGreaterThanOrEqualTo(2);
        } finally {
            stop.set(true);
            writer.join(30_000);
            if (pipeline != null) {
                pipeline.destroy();
                pipeline.waitFor(60, TimeUnit.SECONDS);
            }
        }
    }

    /** 5,000-row UPDATEs, and inserts into the keyless table. */
    private static void writeBulk(MySqlServer mysql, AtomicBoolean stop, AtomicLong statements,
                                  AtomicReference<Throwable> failure) {
        Random random = new Random(7);
        try (Connection c = PipelineTestSupport.mysqlAdmin(mysql, "snapdrop"); Statement st = c.createStatement()) {
            while (!stop.get()) {
                int from = 1 + random.nextInt(1_995_000);
                st.executeUpdate("UPDATE items SET n = n + 1 WHERE id BETWEEN " + from + " AND " + (from + 4999));
                st.executeUpdate("INSERT INTO notes VALUES ('bulk', " + random.nextInt(7) + ")");
                statements.incrementAndGet();
            }
        } catch (Throwable e) {
            failure.set(e);
        }
    }

    private static int killBinlogDumps(MySqlServer mysql) throws Exception {
        int killed = 0;
        try (Connection c = PipelineTestSupport.mysqlAdmin(mysql, ""); Statement st = c.createStatement()) {
            java.util.List<Long> ids = new java.util.ArrayList<>();
            try (var rs = st.executeQuery("SELECT id FROM information_schema.processlist WHERE command LIKE 'Binlog Dump%'")) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                }
            }
            for (long id : ids) {
                st.execute("KILL " + id);
                killed++;
            }
        }
        return killed;
    }

    /** Single-row changes in every table (updates, inserts at both ends of the key range, deletes), and some transactions. */
    private static void write(MySqlServer mysql, AtomicBoolean stop, AtomicLong statements,
                              AtomicReference<Throwable> failure) {
        Random random = new Random(42);
        int nextHigh = ROWS + 1;
        int nextLow = 0;
        try (Connection c = PipelineTestSupport.mysqlAdmin(mysql, "snapw"); Statement st = c.createStatement()) {
            while (!stop.get()) {
                int id = 1 + random.nextInt(ROWS);
                switch (random.nextInt(7)) {
                    case 0 -> st.executeUpdate("UPDATE items SET v = 'changed', n = n + 1 WHERE id = " + id);
                    case 1 -> st.executeUpdate("INSERT INTO items VALUES (" + nextHigh++ + ", 'new high', 1)");
                    case 2 -> st.executeUpdate("INSERT INTO items VALUES (" + nextLow-- + ", 'new low', 2)");
                    case 3 -> st.executeUpdate("DELETE FROM items WHERE id = " + id);
                    case 4 -> st.executeUpdate("UPDATE pairs SET v = v + 1 WHERE a = " + random.nextInt(200)
                            + " AND b = " + random.nextInt(100));
                    case 5 -> st.executeUpdate("INSERT INTO notes VALUES ('during snapshot', " + random.nextInt(7) + ")");
                    default -> {
                        c.setAutoCommit(false);
                        st.executeUpdate("UPDATE notes SET n = n + 10 WHERE note = 'note " + random.nextInt(500) + "'");
                        st.executeUpdate("UPDATE items SET n = -n WHERE id BETWEEN " + id + " AND " + (id + 50));
                        c.commit();
                        c.setAutoCommit(true);
                    }
                }
                statements.incrementAndGet();
            }
        } catch (Throwable e) {
            failure.set(e);
        }
    }

    private static void awaitStatements(AtomicLong statements, long atLeast) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (statements.get() < atLeast && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }

    private static void awaitLogLine(Path log, String text, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            if (Files.exists(log) && Files.readString(log).contains(text)) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no '" + text + "' in " + log + " within " + seconds + " s");
    }
}
