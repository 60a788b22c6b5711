package io.tributary.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tributary.cdc.source.MySqlServerVersion;
import io.tributary.localservers.ClickHouseServer;
import io.tributary.localservers.ContainerServers;
import io.tributary.localservers.MySqlServer;
import io.tributary.localservers.SharedServers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The official MySQL images of every line users run (8.0, 8.4 LTS, 9.x innovation), through the
 * whole pipeline: a fresh start (which reads the binlog position with the statement of that
 * version), the snapshot, binlog changes and a schema change, kill -9 and a restart, each ending
 * row by row equal. The users authenticate with caching_sha2_password, the only plugin 9.x has.
 * Needs Docker; skipped with the reason where no engine runs (the local 8.0.31 binaries take the
 * same path in every other IT).
 */
class MySqlVersionsIT {
    @ParameterizedTest
    @ValueSource(strings = {"mysql:8.4", "mysql:9"})
    void capturesTheOfficialImage(String image) throws Exception {
        String reason = ContainerServers.dockerUnavailableReason();
        assumeTrue(reason.isEmpty(), () -> image + " skipped: it runs through Testcontainers and " + reason);
        String database = "versions_" + image.replaceAll("[^0-9]", "");
        ClickHouseServer clickhouse = SharedServers.clickhouse();
        PipelineTestSupport.clickhouse(clickhouse, "DROP DATABASE IF EXISTS " + database);
        try (MySqlServer mysql = ContainerServers.mysql(image)) {
            try (Connection c = PipelineTestSupport.mysqlAdmin(mysql, ""); Statement st = c.createStatement()) {
                MySqlServerVersion version = MySqlServerVersion.of(c);
                assertThat(version.atLeast(8, 4, 0)).as(version + " is the image's line").isTrue();
                st.execute("CREATE DATABASE " + database);
                st.execute("CREATE TABLE " + database + ".items (id INT PRIMARY KEY, name VARCHAR(40), "
                        + "price DECIMAL(10,2), changed DATETIME(6), doc JSON)");
                for (int i = 1; i <= 500; i++) {
                    st.execute("INSERT INTO " + database + ".items VALUES (" + i + ", 'item " + i + "', " + i
                            + ".25, '2026-01-01 00:00:00.000001', JSON_OBJECT('n', " + i + "))");
                }
            }
            Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "versions-");
            PipelineTestSupport.TestConfig setup = PipelineTestSupport.configure(dir, mysql, clickhouse, database,
                    "versions-" + System.nanoTime(), Map.of("state.checkpoint-interval", "1s",
                            "sink.clickhouse.status-database", "tributary_" + database));
            Process pipeline = PipelineTestSupport.startPipeline(setup.file(), setup.env(), dir.resolve("run1.log"));
            try (Connection c = PipelineTestSupport.mysqlAdmin(mysql, database); Statement st = c.createStatement()) {
                assertThat(PipelineTestSupport.awaitEqual(setup.conf(), 300)).contains(database + ".items");
                st.execute("UPDATE items SET name = CONCAT(name, ' changed'), doc = JSON_SET(doc, '$.m', 1) WHERE id <= 100");
                st.execute("DELETE FROM items WHERE id BETWEEN 401 AND 450");
                st.execute("ALTER TABLE items ADD COLUMN stock INT NOT NULL DEFAULT 3");
                st.execute("INSERT INTO items VALUES (1001, 'after alter', 1.00, NOW(6), NULL, 9)");
                PipelineTestSupport.awaitEqual(setup.conf(), 180);

                pipeline.destroyForcibly();
                assertThat(pipeline.waitFor(30, TimeUnit.SECONDS)).isTrue();
                st.execute("UPDATE items SET stock = stock + 1 WHERE id > 200");
                pipeline = PipelineTestSupport.startPipeline(setup.file(), setup.env(), dir.resolve("run2.log"));
                st.execute("DELETE FROM items WHERE id < 10");
                PipelineTestSupport.awaitEqual(setup.conf(), 180);
            } finally {
                pipeline.destroy();
                pipeline.waitFor(120, TimeUnit.SECONDS);
            }
        } finally {
            PipelineTestSupport.clickhouse(clickhouse, "DROP DATABASE IF EXISTS " + database);
            PipelineTestSupport.clickhouse(clickhouse, "DROP DATABASE IF EXISTS tributary_" + database);
        }
    }
}
