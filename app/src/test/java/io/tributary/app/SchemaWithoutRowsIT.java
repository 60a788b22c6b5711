package io.tributary.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.localservers.ClickHouseServer;
import io.tributary.localservers.MySqlServer;
import io.tributary.localservers.SharedServers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Schema changes that no row follows take effect in ClickHouse at their own position: ADD (with a
 * DEFAULT that MySQL gives every existing row), DROP, MODIFY, RENAME and reordering of columns, on a
 * table with a key and one without, a primary key added and dropped, CREATE TABLE of an empty table, tables already
 * empty when the snapshot reads them (with and without a key: created from the snapshot's begin), a batch of ALTERs over many
 * tables, and an ALTER made while the pipeline was killed. After each, nothing but the statement
 * happened: {@code verify} must say equal and the ClickHouse view must have MySQL's columns, in order.
 * (Before: the view kept its old columns until some row of the table changed.)
 */
class SchemaWithoutRowsIT {
    private static final String DB = "quietddl";
    private static final int BATCH = 20;

    @Test
    void statementsWithoutRowsReachClickHouse() throws Exception {
        MySqlServer mysql = SharedServers.mysql();
        ClickHouseServer clickhouse = SharedServers.clickhouse();
        PipelineTestSupport.freshDatabase(mysql, clickhouse, DB);
        try (Connection c = PipelineTestSupport.mysqlAdmin(mysql, ""); Statement st = c.createStatement()) {
            st.execute("USE " + DB);
            st.execute("CREATE TABLE quiet (id INT PRIMARY KEY, a INT NOT NULL, b VARCHAR(10))");
            st.execute("CREATE TABLE quiet_nokey (x INT, y VARCHAR(10))");
            st.execute("INSERT INTO quiet VALUES (1, 10, 'one'), (2, 20, 'two'), (3, 30, NULL)");
            st.execute("INSERT INTO quiet_nokey VALUES (1, 'a'), (1, 'a'), (2, NULL)");
            // Empty when the snapshot reads them: no row creates them in ClickHouse, their snapshot's begin does.
            st.execute("CREATE TABLE empty_at_snapshot (id INT PRIMARY KEY, note VARCHAR(20))");
            st.execute("CREATE TABLE empty_nokey_at_snapshot (x INT, y VARCHAR(10))");
            st.execute("CREATE TABLE rekeyed (id INT NOT NULL, v VARCHAR(10))");
            st.execute("INSERT INTO rekeyed VALUES (1, 'one'), (2, 'two'), (3, NULL)");
            for (int i = 0; i < BATCH; i++) {
                st.execute("CREATE TABLE batch_" + i + " (id INT PRIMARY KEY, v INT)");
                st.execute("INSERT INTO batch_" + i + " VALUES (1, " + i + "), (2, " + (i + 1) + ")");
            }
        }
        Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "quietddl-");
        PipelineTestSupport.TestConfig setup = PipelineTestSupport.configure(dir, mysql, clickhouse, DB,
                "quietddl-" + System.nanoTime(), Map.of("state.checkpoint-interval", "1s"));
        Process pipeline = PipelineTestSupport.startPipeline(setup.file(), setup.env(), dir.resolve("run1.log"));
        try (Connection c = PipelineTestSupport.mysqlAdmin(mysql, DB); Statement st = c.createStatement()) {
            String first = PipelineTestSupport.awaitEqual(setup.conf(), 180);
            assertThat(first).contains(DB + ".empty_at_snapshot").contains(DB + ".empty_nokey_at_snapshot");
            awaitSameColumns(mysql, clickhouse, List.of("empty_at_snapshot", "empty_nokey_at_snapshot"), "the snapshot");
            String[] statements = {
                "ALTER TABLE quiet ADD COLUMN extra INT NOT NULL DEFAULT 7",
                "ALTER TABLE quiet DROP COLUMN b",
                "ALTER TABLE quiet MODIFY COLUMN a BIGINT NULL",
                "ALTER TABLE quiet RENAME COLUMN extra TO extra_renamed",
                "ALTER TABLE quiet ADD COLUMN in_front VARCHAR(5) NOT NULL DEFAULT 'f' FIRST",
                "ALTER TABLE quiet MODIFY COLUMN a BIGINT NULL AFTER id",
                "ALTER TABLE quiet_nokey ADD COLUMN z DECIMAL(6,2) NOT NULL DEFAULT 3.50",
                "ALTER TABLE quiet_nokey DROP COLUMN y",
                "CREATE TABLE created_empty (id INT PRIMARY KEY, note VARCHAR(20) DEFAULT 'n')",
                "ALTER TABLE rekeyed ADD PRIMARY KEY (id)",
                "ALTER TABLE rekeyed DROP PRIMARY KEY",
                "ALTER TABLE rekeyed ADD PRIMARY KEY (id), ADD COLUMN with_key INT NOT NULL DEFAULT 4",
                "ALTER TABLE rekeyed DROP PRIMARY KEY, ADD COLUMN without_key VARCHAR(3) DEFAULT 'z', DROP COLUMN v",
            };
            for (String statement : statements) {
                st.execute(statement);
                awaitSameColumns(mysql, clickhouse, List.of("quiet", "quiet_nokey", "created_empty", "rekeyed"), statement);
                PipelineTestSupport.awaitEqual(setup.conf(), 60);
            }
            assertThat(PipelineTestSupport.clickhouse(clickhouse, "SELECT groupArray(extra_renamed) FROM (SELECT "
                    + "extra_renamed FROM " + DB + ".quiet ORDER BY id)")).as("MySQL's DEFAULT in existing rows")
                    .isEqualTo("[7,7,7]");
            assertThat(PipelineTestSupport.clickhouse(clickhouse, "SELECT type FROM system.columns WHERE database = '"
                    + DB + "' AND table = 'quiet' AND name = 'a'")).isEqualTo("Nullable(Int64)");

            for (int i = 0; i < BATCH; i++) {
                st.execute("ALTER TABLE batch_" + i + " ADD COLUMN added INT NOT NULL DEFAULT " + (100 + i));
            }
            List<String> batch = new ArrayList<>();
            for (int i = 0; i < BATCH; i++) {
                batch.add("batch_" + i);
            }
            awaitSameColumns(mysql, clickhouse, batch, "a batch of " + BATCH + " ALTERs");
            PipelineTestSupport.awaitEqual(setup.conf(), 120);

            Thread.sleep(1500); // a checkpoint after the batch
            pipeline.destroyForcibly();
            assertThat(pipeline.waitFor(30, TimeUnit.SECONDS)).isTrue();
            st.execute("ALTER TABLE quiet ADD COLUMN while_down VARCHAR(3) NOT NULL DEFAULT 'k'");
            st.execute("ALTER TABLE batch_0 DROP COLUMN v");
            pipeline = PipelineTestSupport.startPipeline(setup.file(), setup.env(), dir.resolve("run2.log"));
            awaitSameColumns(mysql, clickhouse, List.of("quiet", "batch_0"), "ALTERs made while the pipeline was down");
            PipelineTestSupport.awaitEqual(setup.conf(), 120);
        } finally {
            pipeline.destroy();
            pipeline.waitFor(120, TimeUnit.SECONDS);
        }
    }

    /** Waits until each ClickHouse view has MySQL's columns in MySQL's order; fails with both lists. */
    private static void awaitSameColumns(MySqlServer mysql, ClickHouseServer clickhouse, List<String> tables, String after)
            throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String last = "";
        while (System.nanoTime() < deadline) {
            last = "";
            for (String table : tables) {
                String inMySql = mysqlColumns(mysql, table);
                String inClickHouse = PipelineTestSupport.clickhouse(clickhouse, "SELECT arrayStringConcat(groupArray(name), ',') "
                        + "FROM (SELECT name FROM system.columns WHERE database = '" + DB + "' AND table = '" + table
                        + "' ORDER BY position)");
                if (!inMySql.equals(inClickHouse)) {
                    last += table + ": MySQL [" + inMySql + "] ClickHouse [" + inClickHouse + "]\n";
                }
            }
            if (last.isEmpty()) {
                return;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("After " + after + " the ClickHouse views do not have MySQL's columns:\n" + last);
    }

    private static String mysqlColumns(MySqlServer mysql, String table) throws Exception {
        try (Connection c = PipelineTestSupport.mysqlAdmin(mysql, DB); Statement st = c.createStatement();
             var rs = st.executeQuery("SELECT GROUP_CONCAT(column_name ORDER BY ordinal_position) FROM "
                     + "information_schema.columns WHERE table_schema = '" + DB + "' AND table_name = '" + table + "'")) {
            rs.next();
            return rs.getString(1) == null ? "" : rs.getString(1);
        }
    }
}
