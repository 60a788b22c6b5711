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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Continuous verification compares every table chunk by chunk in the background while MySQL keeps
 * writing: a full pass over tables of many column types (an integer key, a composite key declared in
 * another order than its columns, a DATETIME(6) and DECIMAL key, no key) finds nothing; rows changed behind the pipeline's back in
 * ClickHouse ({@code ALTER TABLE ... UPDATE} / {@code DELETE} on the versions table) are reported with
 * their table and key range, kept in {@code chunk_checks}, repaired by re-reading the chunk, and
 * {@code tributary verify} then says equal. With repair off the drift is reported and stays.
 */
class ContinuousVerificationIT {
    private static final int ROWS = 30_000;
    /**
     * A status database of their own: the drift left open on purpose would otherwise be a warning in the
     * /status of every later test on the shared servers.
     */
    private static final String STATUS = "verification_status";

    @Test
    void driftIsReportedWithItsKeyRangeAndRepaired() throws Exception {
        MySqlServer mysql = SharedServers.mysql();
        ClickHouseServer clickhouse = SharedServers.clickhouse();
        Path dir = start(mysql, clickhouse, "drift", true);
        Path log = dir.resolve("run.log");
        PipelineTestSupport.TestConfig setup = config(dir, mysql, clickhouse, "drift", true);
        Process pipeline = PipelineTestSupport.startPipeline(setup.file(), setup.env(), log);
        AtomicBoolean stop = new AtomicBoolean();
        CompletableFuture<Void> writer = null;
        try {
            PipelineTestSupport.awaitEqual(setup.conf(), 240);
            writer = CompletableFuture.runAsync(() -> write(mysql, "drift", stop));
            // A whole pass under writes, over every column type the checksum reads, finds every table equal.
            PipelineTestSupport.awaitLogLine(log, "Continuous verification of drift.keyed: 7 chunk(s)", 180);
            PipelineTestSupport.awaitLogLine(log, "Continuous verification of drift.composite:", 180);
            PipelineTestSupport.awaitLogLine(log, "Continuous verification of drift.nokey:", 180);
            PipelineTestSupport.awaitLogLine(log, "Continuous verification of drift.timed: 3 chunk(s)", 180);
            assertThat(Files.readString(log)).doesNotContain("DRIFTED");

            PipelineTestSupport.clickhouse(clickhouse, "ALTER TABLE drift.keyed__versions UPDATE note = 'tampered' "
                    + "WHERE id = 12345 SETTINGS mutations_sync = 2");
            PipelineTestSupport.clickhouse(clickhouse, "ALTER TABLE drift.composite__versions DELETE WHERE a = 7 AND b = 7 "
                    + "SETTINGS mutations_sync = 2");
            PipelineTestSupport.clickhouse(clickhouse, "ALTER TABLE drift.timed__versions UPDATE v = -1 WHERE amount = 60 "
                    + "SETTINGS mutations_sync = 2");

            PipelineTestSupport.awaitLogLine(log, "drift.keyed keys [id] in (10000, 15000] DRIFTED", 240);
            PipelineTestSupport.awaitLogLine(log, "drift.keyed keys [id] in (10000, 15000] REPAIRED", 240);
            PipelineTestSupport.awaitLogLine(log, "drift.composite keys [b, a] in (-inf, 624,11124] DRIFTED", 240);
            PipelineTestSupport.awaitLogLine(log, "drift.composite keys [b, a] in (-inf, 624,11124] REPAIRED", 240);
            String timedRange = "drift.timed keys [at, amount] in (2024-01-01 01:23:20.000000,50.00, "
                    + "2024-01-01 02:46:40.000000,100.00]";
            PipelineTestSupport.awaitLogLine(log, timedRange + " DRIFTED", 240);
            PipelineTestSupport.awaitLogLine(log, timedRange + " REPAIRED", 240);
            stop.set(true);
            writer.get(60, TimeUnit.SECONDS);
            String equal = PipelineTestSupport.awaitEqual(setup.conf(), 120);
            assertThat(equal).contains("drift.keyed").contains("drift.composite").contains("drift.nokey")
                    .contains("drift.timed");
            assertThat(PipelineTestSupport.clickhouse(clickhouse, "SELECT count() FROM drift.timed WHERE v = -1")).isEqualTo("0");
            assertThat(PipelineTestSupport.clickhouse(clickhouse, "SELECT count() FROM " + STATUS + ".chunk_checks WHERE table = "
                    + "'drift.keyed' AND verdict = 'drifted' AND key_range = '[id] in (10000, 15000]'")).isEqualTo("1");
            assertThat(Integer.parseInt(PipelineTestSupport.clickhouse(clickhouse, "SELECT count() FROM "
                    + STATUS + ".chunk_checks WHERE table LIKE 'drift.%' AND verdict = 'equal'"))).isGreaterThan(10);
            Thread.sleep(6000); // the API reads the checks every 5 s
            assertThat(PipelineTestSupport.api(setup, "/status")).contains("\"chunks_drifted_24h\":1")
                    .doesNotContain("drift.keyed DRIFTED");
            assertThat(PipelineTestSupport.api(setup, "/metrics"))
                    .contains("tributary_verify_chunks_drifted{table=\"drift.keyed\"} 1.0")
                    .contains("tributary_verify_open_drifts{table=\"drift.keyed\"} 0.0");
        } finally {
            stop.set(true);
            if (writer != null) {
                writer.get(60, TimeUnit.SECONDS);
            }
            pipeline.destroy();
            pipeline.waitFor(120, TimeUnit.SECONDS);
        }
    }

    /** The same drift with repair off: reported, and ClickHouse stays different (the repair is what mends it). */
    @Test
    void withoutRepairTheDriftIsReportedAndStays() throws Exception {
        MySqlServer mysql = SharedServers.mysql();
        ClickHouseServer clickhouse = SharedServers.clickhouse();
        Path dir = start(mysql, clickhouse, "driftnorepair", false);
        Path log = dir.resolve("run.log");
        PipelineTestSupport.TestConfig setup = config(dir, mysql, clickhouse, "driftnorepair", false);
        Process pipeline = PipelineTestSupport.startPipeline(setup.file(), setup.env(), log);
        try {
            PipelineTestSupport.awaitEqual(setup.conf(), 240);
            PipelineTestSupport.clickhouse(clickhouse, "ALTER TABLE driftnorepair.keyed__versions UPDATE v = -1 "
                    + "WHERE id = 29999 SETTINGS mutations_sync = 2");
            PipelineTestSupport.awaitLogLine(log, "driftnorepair.keyed keys [id] in (25000, 30000] DRIFTED", 240);
            PipelineTestSupport.awaitLogLine(log, "driftnorepair.keyed: 7 chunk(s), 30000 row(s)", 240);
            PipelineTestSupport.awaitLogLine(log, "1 chunk(s) drifted", 240);
            // The next pass finds it again: nothing mended it.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (Files.readString(log).split("\\(25000, 30000\\] DRIFTED", -1).length < 3 && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            assertThat(Files.readString(log).split("\\(25000, 30000\\] DRIFTED", -1).length).isGreaterThanOrEqualTo(3);
            assertThat(Files.readString(log)).contains("run ./tributary resync driftnorepair.keyed")
                    .doesNotContain("REPAIRED");
            assertThat(PipelineTestSupport.verifyLine(setup.conf(), "driftnorepair.keyed")).contains("DIFFERENT");
            Thread.sleep(6000); // the API reads the checks every 5 s
            assertThat(PipelineTestSupport.api(setup, "/status"))
                    .contains("Table driftnorepair.keyed DRIFTED in ClickHouse: key range [id] in (25000, 30000]")
                    .contains("\"open_drifts\":[\"[id] in (25000, 30000]\"]");
            assertThat(PipelineTestSupport.api(setup, "/metrics"))
                    .contains("tributary_verify_open_drifts{table=\"driftnorepair.keyed\"} 1.0");
        } finally {
            pipeline.destroy();
            pipeline.waitFor(120, TimeUnit.SECONDS);
        }
    }

    private static Path start(MySqlServer mysql, ClickHouseServer clickhouse, String db, boolean all) throws Exception {
        PipelineTestSupport.freshDatabase(mysql, clickhouse, db);
        PipelineTestSupport.clickhouse(clickhouse, "DROP TABLE IF EXISTS " + STATUS + ".chunk_checks");
        try (Connection c = PipelineTestSupport.mysqlAdmin(mysql, db); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE keyed (id INT PRIMARY KEY, v INT NOT NULL, note VARCHAR(30) CHARACTER SET latin1, "
                    + "amount DECIMAL(10,2), at DATETIME(3), day DATE, ts TIMESTAMP(6) NULL, t TIME, y YEAR, flag BIT(1), "
                    + "bits BIT(10), raw VARBINARY(8), fixed BINARY(4), kind ENUM('a','b'), tags SET('x','y'), "
                    + "f DOUBLE, doc JSON, big BIGINT UNSIGNED, tiny TINYINT, body TEXT)");
            st.execute("SET SESSION cte_max_recursion_depth = 1000000");
            st.execute("INSERT INTO keyed WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < "
                    + ROWS + ") SELECT n, n, IF(n % 7 = 0, NULL, CONCAT('row é ', n)), n / 100, "
                    + "'2024-02-29 12:34:56.789' + INTERVAL n SECOND, '2024-01-01' + INTERVAL n % 900 DAY, "
                    + "IF(n % 3 = 0, NULL, '2020-01-01 00:00:00.123456' + INTERVAL n MINUTE), SEC_TO_TIME(n % 86400), "
                    + "2000 + n % 100, n % 2, n % 1024, UNHEX(HEX(n)), UNHEX('00ff'), IF(n % 2 = 0, 'a', 'b'), "
                    + "IF(n % 3 = 0, 'x,y', ''), n / 7, JSON_OBJECT('n', n, 'name', CONCAT('n', n)), "
                    + "18446744073709551615 - n, n % 127 - 60, IF(n % 5 = 0, '', REPEAT('ß', n % 20)) FROM seq");
            if (all) {
                st.execute("CREATE TABLE composite (a INT NOT NULL, b BIGINT UNSIGNED NOT NULL, v VARCHAR(10), "
                        + "PRIMARY KEY (b, a))");
                st.execute("INSERT INTO composite WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq "
                        + "WHERE n < 12000) SELECT n, n % 1500, CONCAT('c', n) FROM seq");
                // Keyed by a date-time and a decimal: checked and repaired by ranges whose bounds each server reads
                // as typed literals.
                st.execute("CREATE TABLE timed (at DATETIME(6) NOT NULL, amount DECIMAL(12,2) NOT NULL, v INT, "
                        + "PRIMARY KEY (at, amount))");
                st.execute("INSERT INTO timed WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq "
                        + "WHERE n < 12000) SELECT TIMESTAMP('2024-01-01') + INTERVAL n SECOND, n / 100, n FROM seq");
                st.execute("CREATE TABLE nokey (x INT, y VARCHAR(10))");
                st.execute("INSERT INTO nokey WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq "
                        + "WHERE n < 2000) SELECT n % 500, IF(n % 9 = 0, NULL, 'dup') FROM seq");
            }
        }
        return Files.createTempDirectory(Path.of("target").toAbsolutePath(), db + "-");
    }

    private static PipelineTestSupport.TestConfig config(Path dir, MySqlServer mysql, ClickHouseServer clickhouse,
                                                         String db, boolean repair) throws Exception {
        return PipelineTestSupport.configure(dir, mysql, clickhouse, db, db + "-" + System.nanoTime(),
                Map.of("state.checkpoint-interval", "1s", "source.mysql.snapshot.chunk-rows", "5000",
                        "source.mysql.verify.rows-per-second", "100000", "sink.clickhouse.status-database", STATUS,
                        "source.mysql.verify.repair", Boolean.toString(repair)));
    }

    /**
     * Updates of keyed and composite, inserts and deletes above keyed's first rows (the chunks' bounds stay
     * where the assertions expect them), so checks meet changes in their ranges.
     */
    private static void write(MySqlServer mysql, String db, AtomicBoolean stop) {
        Random random = new Random(7);
        int above = ROWS;
        try (Connection c = PipelineTestSupport.mysqlAdmin(mysql, db); Statement st = c.createStatement()) {
            while (!stop.get()) {
                int id = 1 + random.nextInt(ROWS);
                if (id == 12345) {
                    continue; // the tampered row: the repair, not a later update, must mend it
                }
                switch (random.nextInt(4)) {
                    case 0 -> st.executeUpdate("DELETE FROM keyed WHERE id = " + (above - random.nextInt(5)));
                    case 1 -> st.executeUpdate("INSERT INTO keyed (id, v) VALUES (" + ++above + ", 1)");
                    case 2 -> st.executeUpdate("UPDATE composite SET v = 'w' WHERE a = " + (8 + random.nextInt(11000)));
                    default -> st.executeUpdate("UPDATE keyed SET v = v + 1, note = 'ü' WHERE id = " + id);
                }
                Thread.sleep(20);
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
