package io.tributary.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.localservers.ClickHouseServer;
import io.tributary.localservers.MySqlServer;
import io.tributary.localservers.SharedServers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * MySQL DDL while the pipeline streams, with changes before, between and after each statement:
 * ADD COLUMN NOT NULL DEFAULT (stored rows read MySQL's default), MODIFY COLUMN widening a type and
 * changing nullability, DROP COLUMN, column reorder, CREATE TABLE in the captured database,
 * TRUNCATE TABLE, RENAME COLUMN (stored rows keep their values under the new name), RENAME TABLE,
 * DROP TABLE, and DDL in a database outside the filter. Then kill -9 and a restart, so that no
 * DDL is lost or applied twice. `verify` must end equal and every view must have MySQL's columns in
 * MySQL's order.
 */
class SchemaChangeIT {
    /** Parallelism 2: several sink writers per table, so statements must not overtake rows (DDL barrier). */
    @ParameterizedTest(name = "pipeline.parallelism {0}")
    @ValueSource(ints = {1, 2})
    void followsSchemaChangesWhileStreaming(int parallelism) throws Exception {
        MySqlServer mysql = SharedServers.mysql();
        ClickHouseServer clickhouse = SharedServers.clickhouse();
        try (Connection c = PipelineTestSupport.mysqlAdmin(mysql, ""); Statement st = c.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS ddl_it");
            st.execute("DROP DATABASE IF EXISTS ddl_other");
            st.execute("CREATE DATABASE ddl_it");
            st.execute("CREATE DATABASE ddl_other");
            st.execute("CREATE TABLE ddl_it.main (id INT PRIMARY KEY, a INT NOT NULL, b VARCHAR(10), c DATETIME)");
            st.execute("CREATE TABLE ddl_it.trunc (id INT PRIMARY KEY, v VARCHAR(20))");
            st.execute("CREATE TABLE ddl_it.doomed (id INT PRIMARY KEY, v INT)");
            st.execute("CREATE TABLE ddl_it.moving (id INT PRIMARY KEY, v INT)");
            st.execute("INSERT INTO ddl_it.doomed VALUES (1, 1), (2, 2)");
            st.execute("INSERT INTO ddl_it.moving VALUES (1, 10), (2, 20)");
            for (int i = 1; i <= 200; i++) {
                st.execute("INSERT INTO ddl_it.main VALUES (" + i + ", " + i + ", 'b" + i + "', NOW())");
                if (i <= 100) {
                    st.execute("INSERT INTO ddl_it.trunc VALUES (" + i + ", 'old " + i + "')");
                }
            }
        }
        PipelineTestSupport.clickhouse(clickhouse, "DROP DATABASE IF EXISTS ddl_it");
        Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "ddl-");
        PipelineTestSupport.TestConfig setup = PipelineTestSupport.configure(dir, mysql, clickhouse, "ddl_it", "ddl",
                Map.of("sink.clickhouse.status-database", "tributary_ddl", "state.checkpoint-interval", "1s",
                        "pipeline.parallelism", Integer.toString(parallelism)));
        Path config = setup.file();
        Map<String, String> env = setup.env();
        Configuration conf = setup.conf();
        Process pipeline = PipelineTestSupport.startPipeline(config, env, dir.resolve("run1.log"));
        Random random = new Random(3);
        try (Connection c = PipelineTestSupport.mysqlAdmin(mysql, "ddl_it"); Statement st = c.createStatement()) {
            PipelineTestSupport.awaitEqual(conf, 120);
            changeMain(st, random, 30);
            st.execute("ALTER TABLE main ADD COLUMN d INT NOT NULL DEFAULT 7");
            changeMain(st, random, 30);
            st.execute("UPDATE main SET d = id WHERE id % 3 = 0");
            st.execute("ALTER TABLE main MODIFY COLUMN a BIGINT NOT NULL");
            st.execute("UPDATE main SET a = 5000000000 + id WHERE id % 4 = 0");
            st.execute("ALTER TABLE main MODIFY COLUMN b VARCHAR(100) NULL");
            st.execute("UPDATE main SET b = NULL WHERE id % 5 = 0");
            st.execute("UPDATE main SET b = REPEAT('long', 20) WHERE id % 7 = 0");
            changeMain(st, random, 30);
            st.execute("ALTER TABLE main DROP COLUMN c");
            changeMain(st, random, 30);
            st.execute("ALTER TABLE main MODIFY COLUMN a BIGINT NULL");
            st.execute("UPDATE main SET a = NULL WHERE id % 11 = 0");
            st.execute("ALTER TABLE main MODIFY COLUMN d INT NOT NULL DEFAULT 7 AFTER id");
            changeMain(st, random, 30);
            st.execute("CREATE TABLE fresh (id INT PRIMARY KEY, x VARCHAR(5) NOT NULL DEFAULT 'x')");
            st.execute("INSERT INTO fresh (id) VALUES (1), (2), (3)");
            st.execute("UPDATE fresh SET x = 'yy' WHERE id = 2");
            st.execute("TRUNCATE TABLE trunc");
            st.execute("INSERT INTO trunc VALUES (5, 'after 5'), (500, 'after 500')");
            st.execute("ALTER TABLE main RENAME COLUMN b TO bee");
            st.execute("UPDATE main SET bee = 'renamed' WHERE id % 13 = 0");
            st.execute("DROP TABLE doomed");
            st.execute("RENAME TABLE moving TO moved");
            st.execute("UPDATE moved SET v = v + 1 WHERE id = 2");
            st.execute("CREATE TABLE ddl_other.elsewhere (id INT PRIMARY KEY, v INT)");
            st.execute("ALTER TABLE ddl_other.elsewhere ADD COLUMN w INT");
            st.execute("INSERT INTO ddl_other.elsewhere VALUES (1, 1, 1)");
            changeMain(st, random, 30);
            PipelineTestSupport.awaitEqual(conf, 180);
            assertSameColumns(c, clickhouse, "main");
            assertSameColumns(c, clickhouse, "fresh");
            assertThat(PipelineTestSupport.clickhouse(clickhouse, "SELECT count() FROM ddl_it.trunc")).isEqualTo("2");
            assertThat(PipelineTestSupport.clickhouse(clickhouse, "SELECT count() FROM system.tables WHERE database = 'ddl_it' "
                    + "AND name IN ('doomed', 'doomed__versions', 'moving', 'moving__versions')")).isEqualTo("0");
            assertThat(PipelineTestSupport.clickhouse(clickhouse, "SELECT count() FROM ddl_it.main WHERE bee LIKE 'b%'"))
                    .as("stored rows keep their values under the new column name").isNotEqualTo("0");

            pipeline.destroyForcibly(); // kill -9 right after the DDL: nothing lost, nothing applied twice
            pipeline.waitFor(30, TimeUnit.SECONDS);
            changeMain(st, random, 30);
            st.execute("ALTER TABLE main ADD COLUMN e VARCHAR(3) NULL DEFAULT 'e'");
            pipeline = PipelineTestSupport.startPipeline(config, env, dir.resolve("run2.log"));
            changeMain(st, random, 30);
            st.execute("INSERT INTO trunc VALUES (6, 'after restart')");
            PipelineTestSupport.awaitEqual(conf, 180);
            assertSameColumns(c, clickhouse, "main");
            assertThat(PipelineTestSupport.clickhouse(clickhouse,
                    "SELECT count() FROM system.databases WHERE name = 'ddl_other'")).isEqualTo("0");
        } finally {
            pipeline.destroy();
            pipeline.waitFor(60, TimeUnit.SECONDS);
        }
    }

    /** Inserts, updates and deletes on ddl_it.main using only the columns every version of it has. */
    private static void changeMain(Statement st, Random random, int count) throws SQLException {
        for (int i = 0; i < count; i++) {
            int id = 1 + random.nextInt(260);
            switch (random.nextInt(3)) {
                case 0 -> st.executeUpdate("INSERT INTO main (id, a) VALUES (" + id + ", " + random.nextInt(1000)
                        + ") ON DUPLICATE KEY UPDATE a = a + 1");
                case 1 -> st.executeUpdate("UPDATE main SET a = a * 2 WHERE id = " + id);
                default -> st.executeUpdate("DELETE FROM main WHERE id = " + id);
            }
        }
    }

    private static void assertSameColumns(Connection c, ClickHouseServer clickhouse, String table) throws Exception {
        List<String> mysqlColumns = new ArrayList<>();
        try (var st = c.prepareStatement("SELECT column_name FROM information_schema.columns WHERE table_schema = 'ddl_it' "
                + "AND table_name = ? ORDER BY ordinal_position")) {
            st.setString(1, table);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    mysqlColumns.add(rs.getString(1));
                }
            }
        }
        String clickhouseColumns = PipelineTestSupport.clickhouse(clickhouse, "SELECT arrayStringConcat(groupArray(name), ',') "
                + "FROM (SELECT name FROM system.columns WHERE database = 'ddl_it' AND table = '" + table + "' ORDER BY position)");
        assertThat(clickhouseColumns).as("columns of the view ddl_it." + table).isEqualTo(String.join(",", mysqlColumns));
    }

}
