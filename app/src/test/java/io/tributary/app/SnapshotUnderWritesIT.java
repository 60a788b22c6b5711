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
 * The chunked snapshot while MySQL keeps changing, read by a user holding only SELECT, REPLICATION
 * SLAVE and REPLICATION CLIENT (what managed services give): writes run from before the pipeline
 * starts until after its snapshot ended, so some commit before Debezium's start position, some
 * between a chunk's watermarks, some after. Keys of every kind the engine cuts (UNSIGNED BIGINT near
 * its top, a composite INT + DATETIME(3) key, a DECIMAL key), a key of an accent- and
 * case-insensitive collation (read as one chunk) and a table without a key (a changelog, where a
 * change counted twice or lost would show as a row too many or too few) must all end equal to
 * MySQL, row by row.
 */
class SnapshotUnderWritesIT {
    private static final int ROWS = 300_000;
    /** Unsigned keys from here: above Long.MAX_VALUE, so a signed comparison would misplace them. */
    private static final String BASE = "18446744073708000000";

    @Test
    void snapshotWhileWritingEndsEqual() throws Exception {
        MySqlServer mysql = SharedServers.mysql();
        ClickHouseServer clickhouse = SharedServers.clickhouse();
        createDatabase(mysql, clickhouse, "snapw",
                "CREATE TABLE items (id BIGINT UNSIGNED PRIMARY KEY, v VARCHAR(40), n INT)",
                "CREATE TABLE pairs (a INT, b DATETIME(3), v INT, PRIMARY KEY (a, b))",
                "CREATE TABLE amounts (k DECIMAL(12, 2) PRIMARY KEY, v INT)",
                "CREATE TABLE words (w VARCHAR(40) COLLATE utf8mb4_0900_ai_ci PRIMARY KEY, n INT)",
                // PAD SPACE, ä = ae, ß = ss; keys equal under the collation differ in their second column
                "CREATE TABLE tags (t VARCHAR(30) CHARACTER SET latin1 COLLATE latin1_german2_ci, n INT, v INT, "
                        + "PRIMARY KEY (t, n))",
                "CREATE TABLE notes (note VARCHAR(40), n INT)",
                fill("items", ROWS, BASE + " + i, CONCAT('item ', i), i"),
                fill("pairs", 60_000, "i DIV 100, TIMESTAMP('2024-01-01') + INTERVAL (i MOD 100) * 1001000 MICROSECOND, i"),
                fill("amounts", 50_000, "i / 4 - 6000, i"),
                "INSERT INTO words VALUES ('Straße', 1), ('strasse2', 2), ('Ärger', 3), ('arger2', 4), ('Zebra', 5), "
                        + "('apfel', 6), ('Éclair', 7), ('eclair2', 8)",
                fill("words", 60_000, "CONCAT(ELT(1 + i MOD 6, 'Straße', 'strasse', 'Ärger', 'arger', 'Éclair', 'eclair'), "
                        + "' ', i), i"),
                fill("tags", 40_000, "CONCAT(ELT(1 + i MOD 4, 'Müller', 'mueller', 'Tag', 'tag\t'), i DIV 1000), i, i"),
                fill("notes", 10_000, "CONCAT('note ', i MOD 500), i MOD 7"));
        String password = threePrivilegeUser(mysql, "tributary_snapw");
        Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "snapshot-writes-");
        PipelineTestSupport.TestConfig setup = withUser(PipelineTestSupport.configure(dir, mysql, clickhouse, "snapw",
                "snapw", Map.of("sink.clickhouse.status-database", "tributary_snapw", "source.mysql.snapshot.chunk-rows",
                        "20000", "source.mysql.snapshot.threads", "2", "source.mysql.user", "tributary_snapw")), password);
        Path log = dir.resolve("run.log");
        try (Writer writer = new Writer(mysql, "snapw", SnapshotUnderWritesIT::changeEveryTable)) {
            writer.start();
            writer.awaitStatements(200);
            long beforeStart = writer.statements();
            try (Pipeline pipeline = new Pipeline(setup, log)) {
                PipelineTestSupport.awaitLogLine(log, "read without locks in", 180);
                long atSnapshotEnd = writer.statements();
                writer.awaitStatements(atSnapshotEnd + 500);
                writer.close();
                assertThat(atSnapshotEnd - beforeStart).as("writes while the pipeline started and snapshotted")
                        .isGreaterThan(1000);
                String text = Files.readString(log);
                assertThat(text).contains("Snapshot of 6 table(s) without locks by 2 reader(s)")
                        .contains("snapw.items: ").contains("snapw.pairs: ").contains("snapw.amounts: ")
                        .contains("snapw.words: ").contains("snapw.tags: ")
                        .doesNotContain("FLUSH TABLES").doesNotContain("parked");
                PipelineTestSupport.awaitEqual(setup.conf(), 240);
            }
        }
    }

    /** A user with SELECT, REPLICATION SLAVE and REPLICATION CLIENT only; returns its password. */
    static String threePrivilegeUser(MySqlServer mysql, String user) throws Exception {
        String password = "Three-" + Long.toHexString(System.nanoTime());
        try (Connection c = PipelineTestSupport.mysqlAdmin(mysql, ""); Statement st = c.createStatement()) {
            st.execute("DROP USER IF EXISTS '" + user + "'@'%'");
            st.execute("CREATE USER '" + user + "'@'%' IDENTIFIED WITH caching_sha2_password BY '" + password + "'");
            st.execute("GRANT SELECT, REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO '" + user + "'@'%'");
        }
        return password;
    }

    static PipelineTestSupport.TestConfig withUser(PipelineTestSupport.TestConfig base, String password) throws Exception {
        Map<String, String> env = new java.util.HashMap<>(base.env());
        env.put("TRIBUTARY_SOURCE_MYSQL_PASSWORD", password);
        return new PipelineTestSupport.TestConfig(base.file(), env, TributaryConfig.load(base.file(), env));
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
            PipelineTestSupport.awaitLogLine(log, "without locks by", 180);
            writer.start();
            writer.awaitStatements(8); // 40,000 row changes: more than the queues between binlog and job hold
            assertThat(Files.readString(log)).as("still snapshotting").doesNotContain("read without locks in");
            assertThat(killBinlogDumps(mysql)).as("binlog dump threads killed").isPositive();
            // The chunked snapshot hands a chunk out once the binlog passed its high watermark, so it goes at the binlog's
            // pace: these back-to-back 5,000-row UPDATEs outrun the reader (3-14k snapshot rows/s were seen with them
            // running). Writes after the reconnection, then none, let it finish.
            writer.awaitStatements(writer.statements() + 20);
            writer.close();
            PipelineTestSupport.awaitLogLine(log, "read without locks in", 300);
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

    /**
     * Single-row changes in every table (updates, inserts at both ends of each key range, deletes),
     * and multi-statement transactions.
     */
    private static void changeEveryTable(Connection c, Statement st, Random random) throws Exception {
        int id = 1 + random.nextInt(ROWS);
        switch (random.nextInt(10)) {
            case 0 -> st.executeUpdate("UPDATE items SET v = 'changed', n = n + 1 WHERE id = " + BASE + " + " + id);
            case 1 -> st.executeUpdate("INSERT INTO items VALUES (" + BASE + " + " + (ROWS + 1 + random.nextInt(500_000))
                    + ", 'new high', 1) ON DUPLICATE KEY UPDATE n = n + 1");
            case 2 -> st.executeUpdate("INSERT INTO items VALUES (" + random.nextInt(1_000_000)
                    + ", 'new low', 2) ON DUPLICATE KEY UPDATE n = n + 1");
            case 3 -> st.executeUpdate("DELETE FROM items WHERE id = " + BASE + " + " + id);
            case 4 -> st.executeUpdate("UPDATE pairs SET v = v + 1 WHERE a = " + random.nextInt(600)
                    + " AND b = TIMESTAMP('2024-01-01') + INTERVAL " + random.nextInt(100) * 1001000 + " MICROSECOND");
            case 5 -> st.executeUpdate("INSERT INTO pairs VALUES (" + (random.nextBoolean() ? -1 - random.nextInt(50)
                    : 700 + random.nextInt(50)) + ", NOW(3), 1) ON DUPLICATE KEY UPDATE v = v + 1");
            case 6 -> st.executeUpdate(random.nextBoolean()
                    ? "DELETE FROM amounts WHERE k = " + (random.nextInt(50_000) / 4.0 - 6000)
                    : "INSERT INTO amounts VALUES (" + (random.nextInt(2_000_000) / 4.0 - 500_000) + ", 9) "
                    + "ON DUPLICATE KEY UPDATE v = v + 1");
            case 7 -> st.executeUpdate("INSERT INTO notes VALUES ('during snapshot', " + random.nextInt(7) + ")");
            case 8 -> st.executeUpdate(switch (random.nextInt(6)) {
                case 0 -> "UPDATE words SET n = n + 1 WHERE w IN ('STRASSE', 'STRASSE " + random.nextInt(60_000) + "')";
                case 1 -> "INSERT INTO words VALUES ('" + (random.nextBoolean() ? "w" : "ÄRGER 0") + random.nextInt(300)
                        + "', 1) ON DUPLICATE KEY UPDATE n = n + 1";
                case 2 -> "DELETE FROM words WHERE w IN ('W" + random.nextInt(300) + "', 'ECLAIR " + random.nextInt(60_000)
                        + "')";
                case 3 -> "UPDATE tags SET v = v + 1 WHERE t = 'MUELLER" + id % 40_000 / 1000 + "' AND n = " + id % 40_000;
                case 4 -> "INSERT INTO tags VALUES ('" + (random.nextBoolean() ? "  start" : "zz end\t") + "', "
                        + random.nextInt(1000) + ", 1) ON DUPLICATE KEY UPDATE v = v + 1";
                default -> "DELETE FROM tags WHERE t = 'TAG" + id % 40_000 / 1000 + "' AND n = " + id % 40_000;
            });
            default -> {
                c.setAutoCommit(false);
                st.executeUpdate("UPDATE notes SET n = n + 10 WHERE note = 'note " + random.nextInt(500) + "'");
                st.executeUpdate("UPDATE items SET n = -n WHERE id BETWEEN " + BASE + " + " + id + " AND " + BASE + " + "
                        + (id + 50));
                st.executeUpdate("DELETE FROM notes WHERE note = 'note " + random.nextInt(500) + "' LIMIT 1");
                c.commit();
                c.setAutoCommit(true);
            }
        }
    }
}
