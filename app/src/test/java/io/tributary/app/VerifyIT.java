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
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The oracle every integration test trusts, against real servers: after the pipeline made ClickHouse
 * equal and stopped, each kind of difference is made on one side, {@code verify} must report it with
 * the key, column or table, and undoing it must make verify equal again.
 */
class VerifyIT {
    private static final String DB = "verifyit";

    @Test
    void reportsEachKindOfDifference() throws Exception {
        MySqlServer mysql = SharedServers.mysql();
        ClickHouseServer clickhouse = SharedServers.clickhouse();
        PipelineTestSupport.freshDatabase(mysql, clickhouse, DB);
        try (Connection c = PipelineTestSupport.mysqlAdmin(mysql, DB); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE keyed (id INT PRIMARY KEY, name VARCHAR(10) NULL, doc JSON NULL)");
            st.execute("INSERT INTO keyed VALUES (1, 'one', '{\"b\": 1, \"a\": [1, 2.5]}'), (2, 'two', NULL), (3, NULL, 'null')");
            st.execute("CREATE TABLE multi (note VARCHAR(10), n INT)");
            st.execute("INSERT INTO multi VALUES ('a', 1), ('a', 1), ('b', NULL)");
            // Every column's value checksummed: compared by chunk checksums, row by row only inside a chunk that differs.
            st.execute("CREATE TABLE plain (id INT PRIMARY KEY, name VARCHAR(10) NULL, amount DECIMAL(8,2), at DATETIME(3))");
            st.execute("SET SESSION cte_max_recursion_depth = 1000000");
            st.execute("INSERT INTO plain WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < 250000) "
                    + "SELECT n, IF(n % 10 = 0, NULL, CONCAT('n', n)), n / 4, '2024-01-01' + INTERVAL n SECOND FROM seq");
        }
        Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "verify-");
        PipelineTestSupport.TestConfig setup = PipelineTestSupport.configure(dir, mysql, clickhouse, DB,
                "verify-" + System.nanoTime(), Map.of("state.checkpoint-interval", "1s"));
        Process pipeline = PipelineTestSupport.startPipeline(setup.file(), setup.env(), dir.resolve("run.log"));
        try {
            PipelineTestSupport.awaitEqual(setup.conf(), 180);
        } finally {
            pipeline.destroy();
            assertThat(pipeline.waitFor(120, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(verify(setup)).contains("verify: ClickHouse equals MySQL");

        try (Connection c = PipelineTestSupport.mysqlAdmin(mysql, DB); Statement st = c.createStatement()) {
            clickhouseMutation(clickhouse, "UPDATE name = 'changed' WHERE id = 2");
            assertThat(line(setup, "keyed")).contains("DIFFERENT").contains("key (id='2'): name: MySQL 'two' vs ClickHouse 'changed'");
            clickhouseMutation(clickhouse, "UPDATE name = 'two' WHERE id = 2");

            clickhouseMutation(clickhouse, "UPDATE name = '' WHERE id = 3");
            assertThat(line(setup, "keyed")).contains("key (id='3'): name: MySQL NULL vs ClickHouse ''");
            clickhouseMutation(clickhouse, "UPDATE name = NULL WHERE id = 3");
            assertThat(verify(setup)).contains("verify: ClickHouse equals MySQL");

            st.execute("INSERT INTO keyed VALUES (4, 'four', NULL)");
            assertThat(line(setup, "keyed")).contains("key (id='4'): missing in ClickHouse");
            st.execute("DELETE FROM keyed WHERE id IN (1, 4)");
            assertThat(line(setup, "keyed")).contains("key (id='1'): only in ClickHouse");
            st.execute("INSERT INTO keyed VALUES (1, 'one', '{\"b\": 1, \"a\": [1, 2.5]}')");

            PipelineTestSupport.clickhouse(clickhouse, "ALTER TABLE " + DB + ".plain__versions UPDATE name = '' WHERE id = 150000 "
                    + "SETTINGS mutations_sync = 2");
            String plain = line(setup, "plain");
            assertThat(plain).contains("DIFFERENT (checksums of 3 chunk(s))")
                    .contains("key (id='150000'): name: MySQL NULL vs ClickHouse ''").doesNotContain("more difference");
            String plainRows = verifyEveryRow(setup);
            assertThat(plainRows).contains("key (id='150000'): name: MySQL NULL vs ClickHouse ''")
                    .contains(DB + ".keyed").containsPattern(DB + "\\.plain .* DIFFERENT \\(every row\\)");
            PipelineTestSupport.clickhouse(clickhouse, "ALTER TABLE " + DB + ".plain__versions UPDATE amount = amount + 0.01 "
                    + "WHERE id = 250000 SETTINGS mutations_sync = 2");
            assertThat(line(setup, "plain")).contains("key (id='250000'): amount: MySQL '62500.00' vs ClickHouse '62500.01'");
            PipelineTestSupport.clickhouse(clickhouse, "ALTER TABLE " + DB + ".plain__versions UPDATE name = NULL "
                    + "WHERE id = 150000 SETTINGS mutations_sync = 2");
            PipelineTestSupport.clickhouse(clickhouse, "ALTER TABLE " + DB + ".plain__versions UPDATE amount = amount - 0.01 "
                    + "WHERE id = 250000 SETTINGS mutations_sync = 2");
            assertThat(line(setup, "plain")).contains("EQUAL (checksums of 3 chunk(s))");

            st.execute("INSERT INTO multi VALUES ('a', 1)");
            assertThat(line(setup, "multi")).contains("MySQL has ['a', '1'] once more than ClickHouse");
            st.execute("DELETE FROM multi WHERE note = 'a' LIMIT 1");

            st.execute("ALTER TABLE keyed ADD COLUMN extra INT NULL");
            assertThat(line(setup, "keyed")).contains("column extra: missing in ClickHouse");
            st.execute("ALTER TABLE keyed DROP COLUMN extra");

            st.execute("ALTER TABLE keyed MODIFY COLUMN id BIGINT");
            assertThat(line(setup, "keyed")).contains("column id: ClickHouse type Int32, expected Int64 for MySQL bigint");
            st.execute("ALTER TABLE keyed MODIFY COLUMN id INT");

            PipelineTestSupport.clickhouse(clickhouse, "CREATE TABLE " + DB + ".ghost__versions (id Int32) ENGINE = MergeTree ORDER BY id");
            PipelineTestSupport.clickhouse(clickhouse, "CREATE VIEW " + DB + ".ghost AS SELECT id FROM " + DB + ".ghost__versions");
            String stray = verify(setup);
            assertThat(stray).contains(DB + ".ghost (ClickHouse only)").contains("DIFFERENT")
                    .contains("which no captured MySQL table nor configured enrichment explains");
            PipelineTestSupport.clickhouse(clickhouse, "DROP VIEW " + DB + ".ghost");
            PipelineTestSupport.clickhouse(clickhouse, "DROP TABLE " + DB + ".ghost__versions");
            assertThat(verify(setup)).as("every difference undone").contains("verify: ClickHouse equals MySQL");
        }
    }

    private static void clickhouseMutation(ClickHouseServer clickhouse, String mutation) throws Exception {
        PipelineTestSupport.clickhouse(clickhouse, "ALTER TABLE " + DB + ".keyed__versions " + mutation
                + " SETTINGS mutations_sync = 2");
    }

    private static String verify(PipelineTestSupport.TestConfig setup) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Verify.run(setup.conf(), new PrintStream(out, true, StandardCharsets.UTF_8));
        return out.toString(StandardCharsets.UTF_8);
    }

    private static String verifyEveryRow(PipelineTestSupport.TestConfig setup) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Verify.run(setup.conf(), new PrintStream(out, true, StandardCharsets.UTF_8), true, Verify.DEFAULT_THREADS);
        return out.toString(StandardCharsets.UTF_8);
    }

    /** The verdict of {@code db.table} with its difference lines. */
    private static String line(PipelineTestSupport.TestConfig setup, String table) throws Exception {
        String all = verify(setup);
        int at = all.indexOf(DB + "." + table + " ");
        assertThat(at).as(all).isNotNegative();
        int next = all.indexOf("\n" + DB + ".", at + 1);
        return all.substring(at, next < 0 ? all.length() : next);
    }
}
