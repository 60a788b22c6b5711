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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Schema changes of tables the snapshot without locks is cutting, while it reads them: ADD COLUMN and
 * MODIFY (a wider DECIMAL) make the chunks read before them be read again in the new shape (which
 * failed while Debezium's parser kept the structure it knew: DebeziumTablesIT); a RENAME of a table still
 * to be read restarts the job, whose restore finds the table gone under its name and starts the
 * snapshot over (forgetting it would leave the renamed table with the chunks out so far). verify compares rows, columns and ClickHouse types with MySQL.
 */
class SnapshotDdlIT {
    private static void fill(Statement st, String table, int rows) throws Exception {
        st.execute("CREATE TABLE " + table + " (id INT PRIMARY KEY, v VARCHAR(40), amount DECIMAL(12,2))");
        st.execute("SET SESSION cte_max_recursion_depth = 1000000");
        st.execute("INSERT INTO " + table + " WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq "
                + "WHERE n < " + rows + ") SELECT n, CONCAT('value ', n), n / 100 FROM seq");
    }

    private static Process start(Path dir, PipelineTestSupport.TestConfig setup) throws Exception {
        return PipelineTestSupport.startPipeline(setup.file(), setup.env(), dir.resolve("run.log"));
    }

    private static long count(ClickHouseServer clickhouse, String sql) throws Exception {
        String answer = PipelineTestSupport.clickhouse(clickhouse, sql);
        return answer.isEmpty() ? 0 : Long.parseLong(answer);
    }

    /** Waits until ClickHouse holds rows of {@code versions} (the snapshot is reading it) and returns how many. */
    private static long awaitFirstRows(ClickHouseServer clickhouse, String versions) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            long n = count(clickhouse, "SELECT count() FROM " + versions);
            if (n > 0) {
                return n;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("no row of " + versions + " within 120 s");
    }

    @Test
    void columnsAddedAndWidenedWhileATableIsChunkedEndEqual() throws Exception {
        MySqlServer mysql = SharedServers.mysql();
        ClickHouseServer clickhouse = SharedServers.clickhouse();
        try (Connection c = PipelineTestSupport.mysqlAdmin(mysql, "");
             Statement st = c.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS chunkddl");
            st.execute("CREATE DATABASE chunkddl");
            fill(st, "chunkddl.items", 300_000);
        }
        PipelineTestSupport.clickhouse(clickhouse, "DROP DATABASE IF EXISTS chunkddl");
        Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "snapshot-ddl-");
        PipelineTestSupport.TestConfig setup = PipelineTestSupport.configure(dir, mysql, clickhouse, "chunkddl", "t",
                Map.of("source.mysql.snapshot.chunk-rows", "10000", "sink.clickhouse.batch-size", "5000"));
        Process pipeline = start(dir, setup);
        try {
            long before = awaitFirstRows(clickhouse, "chunkddl.items__versions");
            try (Connection c = PipelineTestSupport.mysqlAdmin(mysql, "chunkddl"); Statement st = c.createStatement()) {
                st.execute("ALTER TABLE items ADD COLUMN extra INT NOT NULL DEFAULT 7");
                st.executeUpdate("UPDATE items SET extra = id % 5, v = 'after add' WHERE id % 1000 = 0");
                st.execute("ALTER TABLE items MODIFY amount DECIMAL(14,3)");
                st.executeUpdate("UPDATE items SET amount = amount + 0.001 WHERE id % 1000 = 1");
                st.executeUpdate("DELETE FROM items WHERE id % 1000 = 2");
            }
            long after = count(clickhouse, "SELECT count() FROM chunkddl.items__versions");
            assertThat(after).as("the statements ran while the snapshot read the table (%d rows then)", before)
                    .isLessThan(300_000L);
            PipelineTestSupport.awaitEqual(setup.conf(), 240);
            assertThat(Files.readString(dir.resolve("run.log")))
                    .as("the chunk engine ran, and did not start over").contains("chunk(s) of about 10000 rows")
                    .doesNotContain("the snapshot is taken again");
        } finally {
            pipeline.destroy();
            pipeline.waitFor(120, TimeUnit.SECONDS);
        }
    }

    @Test
    void aTableRenamedBeforeItsChunksAreReadStartsTheSnapshotOver() throws Exception {
        MySqlServer mysql = SharedServers.mysql();
        ClickHouseServer clickhouse = SharedServers.clickhouse();
        try (Connection c = PipelineTestSupport.mysqlAdmin(mysql, "");
             Statement st = c.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS chunkrename");
            st.execute("CREATE DATABASE chunkrename");
            fill(st, "chunkrename.big", 300_000);
            fill(st, "chunkrename.later", 50_000);
        }
        PipelineTestSupport.clickhouse(clickhouse, "DROP DATABASE IF EXISTS chunkrename");
        Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "snapshot-rename-");
        PipelineTestSupport.TestConfig setup = PipelineTestSupport.configure(dir, mysql, clickhouse, "chunkrename", "t",
                Map.of("source.mysql.snapshot.chunk-rows", "10000", "sink.clickhouse.batch-size", "5000",
                        "source.mysql.snapshot.threads", "1", "state.checkpoint-interval", "500ms"));
        Process pipeline = start(dir, setup);
        try {
            // One reader takes the largest table first: "later" is still to be read while "big" is.
            awaitFirstRows(clickhouse, "chunkrename.big__versions");
            try (Connection c = PipelineTestSupport.mysqlAdmin(mysql, "chunkrename"); Statement st = c.createStatement()) {
                st.execute("RENAME TABLE later TO renamed");
                st.executeUpdate("UPDATE renamed SET v = 'renamed' WHERE id % 100 = 0");
                st.executeUpdate("UPDATE big SET v = 'after rename' WHERE id % 100 = 0");
            }
            assertThat(count(clickhouse, "SELECT count() FROM chunkrename.big__versions"))
                    .as("renamed while the snapshot read the database").isLessThan(300_000L);
            PipelineTestSupport.awaitEqual(setup.conf(), 240);
            String log = Files.readString(dir.resolve("run.log"));
            // The binlog's RENAME or the reader's "doesn't exist", whichever comes first.
            assertThat(log).containsPattern("chunkrename.later (was truncated, dropped or renamed|no longer exists under "
                    + "that name).*the snapshot is taken again");
            assertThat(log).contains("starts over: [chunkrename.later] (still to be read) no longer exist");
            assertThat(count(clickhouse, "SELECT count() FROM chunkrename.renamed")).isEqualTo(50_000L);
        } finally {
            pipeline.destroy();
            pipeline.waitFor(120, TimeUnit.SECONDS);
        }
    }
}
