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
 * Work split across two pipelines (docs/scaling.md): one MySQL database, each pipeline captures
 * some of its tables (own server-id and state.dir), both write the same ClickHouse database. Each
 * must leave the other's tables alone: a column renamed while the owning pipeline is stopped is
 * not renamed early by the other (Debezium leaves DDL of tables outside the filter out), and the
 * owner follows it when it resumes.
 */
class SplitPipelinesIT {
    @Test
    void twoPipelinesShareADatabaseWithoutTouchingEachOthersTables() throws Exception {
        MySqlServer mysql = SharedServers.mysql();
        ClickHouseServer clickhouse = SharedServers.clickhouse();
        try (Connection c = PipelineTestSupport.mysqlAdmin(mysql, ""); Statement st = c.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS split");
            st.execute("CREATE DATABASE split");
            st.execute("CREATE TABLE split.orders (id INT PRIMARY KEY, amount DECIMAL(8,2))");
            st.execute("CREATE TABLE split.customers (id INT PRIMARY KEY, name VARCHAR(30))");
            for (int i = 1; i <= 20; i++) {
                st.execute("INSERT INTO split.orders VALUES (" + i + ", " + i + ".50)");
                st.execute("INSERT INTO split.customers VALUES (" + i + ", 'customer " + i + "')");
            }
        }
        Path dirA = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "split-a-");
        Path dirB = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "split-b-");
        PipelineTestSupport.TestConfig a = PipelineTestSupport.configure(dirA, mysql, clickhouse, "split", "a",
                Map.of("source.mysql.tables", "[split.orders]", "source.mysql.server-id", "5411"));
        PipelineTestSupport.TestConfig b = PipelineTestSupport.configure(dirB, mysql, clickhouse, "split", "b",
                Map.of("source.mysql.tables", "[split.customers]", "source.mysql.server-id", "5412",
                        "state.checkpoint-interval", "1s"));
        Process pipelineA = PipelineTestSupport.startPipeline(a.file(), a.env(), dirA.resolve("run1.log"));
        Process pipelineB = PipelineTestSupport.startPipeline(b.file(), b.env(), dirB.resolve("run1.log"));
        try (Connection c = PipelineTestSupport.mysqlAdmin(mysql, "split"); Statement st = c.createStatement()) {
            assertThat(PipelineTestSupport.awaitEqual(a.conf(), 180)).contains("split.orders").doesNotContain("split.customers");
            assertThat(PipelineTestSupport.awaitEqual(b.conf(), 180)).contains("split.customers").doesNotContain("split.orders");

            pipelineB.destroy(); // B stopped (final savepoint); A keeps running
            assertThat(pipelineB.waitFor(120, TimeUnit.SECONDS)).isTrue();
            st.execute("UPDATE customers SET name = CONCAT(name, ' (old name column)') WHERE id <= 5");
            st.execute("ALTER TABLE customers RENAME COLUMN name TO full_name");
            st.execute("UPDATE customers SET full_name = 'renamed' WHERE id BETWEEN 6 AND 10");
            st.execute("UPDATE orders SET amount = amount + 1");
            PipelineTestSupport.awaitEqual(a.conf(), 120);
            assertThat(PipelineTestSupport.clickhouse(clickhouse, "SELECT name FROM system.columns WHERE database = 'split' "
                    + "AND table = 'customers__versions' AND name = 'full_name'")).as("A left B's table alone").isEmpty();

            pipelineB = PipelineTestSupport.startPipeline(b.file(), b.env(), dirB.resolve("run2.log"));
            PipelineTestSupport.awaitEqual(b.conf(), 180);
            assertThat(PipelineTestSupport.clickhouse(clickhouse, "SELECT count() FROM split.customers WHERE full_name LIKE "
                    + "'%(old name column)'")).isEqualTo("5");
        } finally {
            for (Process p : new Process[] {pipelineA, pipelineB}) {
                p.destroy();
                p.waitFor(120, TimeUnit.SECONDS);
            }
        }
    }
}
