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
 * Server and session settings users' servers have: tables created under
 * {@code sql_generate_invisible_primary_key=ON} (the generated key {@code my_row_id}), columns
 * declared INVISIBLE (which {@code SELECT *} does not return), and transactions written with
 * {@code binlog_transaction_compression=ON} (one compressed event per transaction). Each through the
 * snapshot and the binlog, across kill -9, row by row equal.
 */
class ServerSettingsIT {
    private static final String DB = "settings_it";

    @Test
    void invisibleKeysInvisibleColumnsAndCompressedTransactions() throws Exception {
        MySqlServer mysql = SharedServers.mysql();
        ClickHouseServer clickhouse = SharedServers.clickhouse();
        PipelineTestSupport.freshDatabase(mysql, clickhouse, DB);
        try (Connection c = PipelineTestSupport.mysqlAdmin(mysql, ""); Statement st = c.createStatement()) {
            st.execute("USE " + DB);
            st.execute("SET SESSION sql_generate_invisible_primary_key = ON");
            st.execute("CREATE TABLE gipk (name VARCHAR(40) NOT NULL, amount DECIMAL(10,2))");
            st.execute("SET SESSION sql_generate_invisible_primary_key = OFF");
            st.execute("CREATE TABLE hidden (id INT PRIMARY KEY, visible_a VARCHAR(20), secret VARCHAR(20) INVISIBLE, "
                    + "visible_b INT, hidden_ts DATETIME(3) INVISIBLE DEFAULT '2026-01-02 03:04:05.678')");
            for (int i = 1; i <= 300; i++) {
                st.execute("INSERT INTO gipk (name, amount) VALUES ('row " + i + "', " + i + ".50)");
                st.execute("INSERT INTO hidden (id, visible_a, secret, visible_b) VALUES (" + i + ", 'a" + i + "', 's" + i
                        + "', " + i + ")");
            }
        }
        assertThat(columnNames(mysql, "gipk")).as("the server generated the invisible key").startsWith("my_row_id");

        Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "settings-");
        PipelineTestSupport.TestConfig setup = PipelineTestSupport.configure(dir, mysql, clickhouse, DB,
                "settings-" + System.nanoTime(), Map.of("state.checkpoint-interval", "1s"));
        Process pipeline = PipelineTestSupport.startPipeline(setup.file(), setup.env(), dir.resolve("run1.log"));
        try (Connection c = PipelineTestSupport.mysqlAdmin(mysql, DB); Statement st = c.createStatement()) {
            String report = PipelineTestSupport.awaitEqual(setup.conf(), 180);
            assertThat(report).contains(DB + ".gipk").contains(DB + ".hidden");
            assertThat(PipelineTestSupport.clickhouse(clickhouse, "SELECT count(), countIf(secret = concat('s', toString(id))) "
                    + "FROM " + DB + ".hidden")).as("invisible values through the snapshot").isEqualTo("300\t300");
            assertThat(PipelineTestSupport.clickhouse(clickhouse, "SELECT min(my_row_id), max(my_row_id) FROM " + DB + ".gipk"))
                    .isEqualTo("1\t300");

            changes(st, 0);
            PipelineTestSupport.awaitEqual(setup.conf(), 120);
            assertThat(PipelineTestSupport.clickhouse(clickhouse, "SELECT secret FROM " + DB + ".hidden WHERE id = 7"))
                    .as("an invisible value through the binlog").isEqualTo("binlog 7");

            st.execute("SET SESSION binlog_transaction_compression = ON");
            long compressedBefore = compressedTransactions(st);
            changes(st, 1000);
            assertThat(compressedTransactions(st)).as("the writes went into compressed transaction payloads")
                    .isGreaterThan(compressedBefore);
            PipelineTestSupport.awaitEqual(setup.conf(), 120);

            Thread.sleep(1500); // a checkpoint or two, so the restart replays some and resumes after others
            pipeline.destroyForcibly();
            assertThat(pipeline.waitFor(30, TimeUnit.SECONDS)).isTrue();
            changes(st, 2000);
            pipeline = PipelineTestSupport.startPipeline(setup.file(), setup.env(), dir.resolve("run2.log"));
            changes(st, 3000);
            PipelineTestSupport.awaitEqual(setup.conf(), 180);
        } finally {
            pipeline.destroy();
            pipeline.waitFor(120, TimeUnit.SECONDS);
        }
    }

    /** Inserts, updates of visible and invisible columns, deletes, on both tables; multi-row transactions. */
    private static void changes(Statement st, int base) throws Exception {
        st.execute("BEGIN");
        st.execute("INSERT INTO gipk (name, amount) VALUES ('new " + base + "', 1.25), ('new " + (base + 1) + "', NULL)");
        st.execute("UPDATE gipk SET amount = amount + 1 WHERE my_row_id % 7 = " + (base % 7));
        st.execute("DELETE FROM gipk WHERE my_row_id % 50 = " + (base % 50));
        st.execute("COMMIT");
        st.execute("UPDATE hidden SET secret = CONCAT('binlog ', id) WHERE id % 7 = 0");
        st.execute("UPDATE hidden SET visible_a = CONCAT('v', " + base + "), hidden_ts = NOW(3) WHERE id % 11 = 1");
        st.execute("INSERT INTO hidden (id, visible_a, secret, visible_b) VALUES (" + (10_000 + base) + ", 'x', 'y', 1)");
        st.execute("DELETE FROM hidden WHERE id % 40 = " + (base % 40 + 1));
    }

    /** Compressed transaction payloads written since the server started (performance_schema). */
    private static long compressedTransactions(Statement st) throws Exception {
        try (var rs = st.executeQuery("SELECT COALESCE(SUM(transaction_counter), 0) FROM "
                + "performance_schema.binary_log_transaction_compression_stats WHERE log_type = 'BINARY' "
                + "AND compression_type = 'ZSTD'")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String columnNames(MySqlServer mysql, String table) throws Exception {
        try (Connection c = PipelineTestSupport.mysqlAdmin(mysql, DB); Statement st = c.createStatement();
             var rs = st.executeQuery("SELECT GROUP_CONCAT(column_name ORDER BY ordinal_position) FROM "
                     + "information_schema.columns WHERE table_schema = '" + DB + "' AND table_name = '" + table + "'")) {
            rs.next();
            return rs.getString(1);
        }
    }
}
