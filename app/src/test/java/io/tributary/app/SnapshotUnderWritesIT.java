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
        createDatabase(mysql, clickhouse, "snapw",
                "CREATE TABLE items (id INT PRIMARY KEY, v VARCHAR(40), n INT)",
                "CREATE TABLE pairs (a INT, b INT, v INT, PRIMARY KEY (a, b))",
                "CREATE TABLE notes (note VARCHAR(40), n INT)",
                fill("items", ROWS, "i, CONCAT('item ', i), i"),
                fill("pairs", 20_000, "i DIV 100, i MOD 100, i"),
                fill("notes", 10_000, "CONCAT('note ', i MOD 500), i MOD 7"));
        Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "snapshot-writes-");
        PipelineTestSupport.TestConfig setup = PipelineTestSupport.configure(dir, mysql, clickhouse, "snapw", "snapw",
                Map.of("sink.clickhouse.status-database", "tributary_snapw", "source.mysql.snapshot.chunk-rows", "20000",
                        "source.mysql.snapshot.threads", "2"));
        Path log = dir.resolve("run.log");
        try (Writer writer = new Writer(mysql, "snapw", SnapshotUnderWritesIT::changeEveryTable)) {
            writer.start();
            writer.awaitStatements(200);
            long beforeStart = writer.statements();
            try (Pipeline pipeline = new Pipeline(setup, log)) {
                awaitLogLine(log, "ParallelSnapshot - Snapshot at ", 180);
                long atSnapshotEnd = writer.statements();
                writer.awaitStatements(atSnapshotEnd + 500);
                writer.close();
                assertThat(atSnapshotEnd - beforeStart).as("writes while the pipeline started and snapshotted")
                        .isGreaterThan(1000);
                assertThat(Files.readString(log)).contains("Snapshot of 3 table(s)").contains("by 2 thread(s)");
                PipelineTestSupport.awaitEqual(setup.conf(), 240);
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
        createDatabase(mysql, clickhouse, "snapdrop",
                "CREATE TABLE items (id INT PRIMARY KEY, v VARCHAR(250), n INT)",
                "CREATE TABLE notes (note VARCHAR(40), n INT)",
                fill("items", 2_000_000, "i, CONCAT('item ', i), i"));
        Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "snapshot-drop-");
        PipelineTestSupport.TestConfig setup = PipelineTestSupport.configure(dir, mysql, clickhouse, "snapdrop",
                "snapdrop", Map.of("sink.clickhouse.status-database", "tributary_snapdrop"));
        Path log = dir.resolve("run.log");
        try (Writer writer = new Writer(mysql, "snapdrop", SnapshotUnderWritesIT::updateInBulk);
             Pipeline pipeline = new Pipeline(setup, log)) {
            awaitLogLine(log, "read views opened under a global read lock", 180);
            writer.start();
            writer.awaitStatements(8); // 40,000 row changes: more than the queues between binlog and job hold
            assertThat(Files.readString(log)).as("still snapshotting").doesNotContain("ParallelSnapshot - Snapshot at ");
            assertThat(killBinlogDumps(mysql)).as("binlog dump threads killed").isPositive();
            awaitLogLine(log, "ParallelSnapshot - Snapshot at ", 180);
            writer.awaitStatements(writer.statements() + 20);
            writer.close();
            PipelineTestSupport.awaitEqual(setup.conf(), 300);
            assertThat(Files.readString(log).split("INFO: Connected to ", -1).length - 1)
                    .as("Debezium's binlog client connected again after the kill").isGreaterThanOrEqualTo(2);
        }
    }

    /** A fresh database {@code db} in MySQL (the statements run in it) and none of that name in ClickHouse. */
    private static void createDatabase(MySqlServer mysql, ClickHouseServer clickhouse, String db, String... statements)
            throws Exception {
        try (Connection c = PipelineTestSupport.mysqlAdmin(mysql, ""); Statement st = c.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS " + db);
            st.execute("CREATE DATABASE " + db);
            st.execute("USE " + db);
            st.execute("SET SESSION cte_max_recursion_depth = 2000000");
            for (String statement : statements) {
                st.execute(statement);
            }
        }
        PipelineTestSupport.clickhouse(clickhouse, "DROP DATABASE IF EXISTS " + db);
    }

    /** Inserts {@code rows} rows, the i-th (from 1) made of {@code values}. */
    private static String fill(String table, int rows, String values) {
        return "INSERT INTO " + table + " WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < "
                + rows + ") SELECT " + values + " FROM seq";
    }

    /** One change, made by {@link Writer} again and again. */
    private interface Change {
        void make(Connection connection, Statement statement, Random random) throws Exception;
    }

    /** Makes changes on its own connection until closed; close fails with what stopped it. */
    private static final class Writer implements AutoCloseable {
        private final AtomicBoolean stop = new AtomicBoolean();
        private final AtomicLong statements = new AtomicLong();
        private final AtomicReference<Throwable> failure = new AtomicReference<>();
        private final Thread thread;

        Writer(MySqlServer mysql, String db, Change change) {
            thread = new Thread(() -> {
                Random random = new Random(42);
                try (Connection c = PipelineTestSupport.mysqlAdmin(mysql, db); Statement st = c.createStatement()) {
                    while (!stop.get()) {
                        change.make(c, st, random);
                        statements.incrementAndGet();
                    }
                } catch (Throwable e) {
                    failure.set(e);
                }
            }, "writer-" + db);
        }

        void start() {
            thread.start();
        }

        long statements() {
            return statements.get();
        }

        void awaitStatements(long atLeast) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (statements.get() < atLeast && failure.get() == null && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
        }

        @Override
        public void close() throws InterruptedException {
            stop.set(true);
            thread.join(30_000);
            assertThat(failure.get()).as("the writer's failure").isNull();
        }
    }

    /** The pipeline as a process, stopped on close. */
    private static final class Pipeline implements AutoCloseable {
        private final Process process;

        Pipeline(PipelineTestSupport.TestConfig setup, Path log) throws Exception {
            process = PipelineTestSupport.startPipeline(setup.file(), setup.env(), log);
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            process.waitFor(60, TimeUnit.SECONDS);
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

    /** 5,000-row UPDATEs, and inserts into the keyless table. */
    private static void updateInBulk(Connection c, Statement st, Random random) throws Exception {
        int from = 1 + random.nextInt(1_995_000);
        st.executeUpdate("UPDATE items SET n = n + 1 WHERE id BETWEEN " + from + " AND " + (from + 4999));
        st.executeUpdate("INSERT INTO notes VALUES ('bulk', " + random.nextInt(7) + ")");
    }

    /** Single-row changes in every table (updates, inserts at both ends of the key range, deletes), and some transactions. */
    private static void changeEveryTable(Connection c, Statement st, Random random) throws Exception {
        int id = 1 + random.nextInt(ROWS);
        switch (random.nextInt(7)) {
            case 0 -> st.executeUpdate("UPDATE items SET v = 'changed', n = n + 1 WHERE id = " + id);
            case 1 -> st.executeUpdate("INSERT INTO items VALUES (" + (ROWS + 1 + random.nextInt(1_000_000))
                    + ", 'new high', 1) ON DUPLICATE KEY UPDATE n = n + 1");
            case 2 -> st.executeUpdate("INSERT INTO items VALUES (" + (-random.nextInt(1_000_000))
                    + ", 'new low', 2) ON DUPLICATE KEY UPDATE n = n + 1");
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
