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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * ADD PRIMARY KEY and DROP PRIMARY KEY while streaming, with changes before, between and after,
 * a kill -9 in between; {@code verify} must end equal each time. A replaced key (drop and add in
 * one statement) stops the pipeline with what to do.
 */
class KeyChangeIT {
    /** Parallelism 2: key changes pass the DDL barrier between several sink writers. */
    @ParameterizedTest(name = "pipeline.parallelism {0}")
    @ValueSource(ints = {1, 2})
    void addingAndDroppingPrimaryKeysKeepsClickHouseEqual(int parallelism) throws Exception {
        MySqlServer mysql = SharedServers.mysql();
        ClickHouseServer clickhouse = SharedServers.clickhouse();
        try (Connection c = PipelineTestSupport.mysqlAdmin(mysql, ""); Statement st = c.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS keychange");
            st.execute("CREATE DATABASE keychange");
            st.execute("CREATE TABLE keychange.items (id INT NOT NULL, name VARCHAR(20), qty INT)");
            for (int i = 1; i <= 50; i++) {
                st.execute("INSERT INTO keychange.items VALUES (" + i + ", 'item " + i + "', " + i % 7 + ")");
            }
        }
        Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "keychange-");
        PipelineTestSupport.TestConfig setup = PipelineTestSupport.configure(dir, mysql, clickhouse, "keychange",
                "keychange-" + System.nanoTime(), Map.of("state.checkpoint-interval", "2s",
                        "pipeline.parallelism", Integer.toString(parallelism)));
        Process pipeline = PipelineTestSupport.startPipeline(setup.file(), setup.env(), dir.resolve("run1.log"));
        try (Connection c = PipelineTestSupport.mysqlAdmin(mysql, "keychange"); Statement st = c.createStatement()) {
            Random random = new Random(11);
            PipelineTestSupport.awaitEqual(setup.conf(), 180);
            changes(st, random, 60, 100);
            PipelineTestSupport.awaitEqual(setup.conf(), 120);

            // No key -> key: the multiset's rows become versions per id.
            st.execute("ALTER TABLE items ADD PRIMARY KEY (id)");
            changes(st, random, 60, 200);
            PipelineTestSupport.awaitEqual(setup.conf(), 120);
            assertThat(PipelineTestSupport.clickhouse(clickhouse, "EXISTS TABLE keychange.items__versions")).isEqualTo("1");

            changes(st, random, 40, 300);
            Thread.sleep(1000);
            pipeline.destroyForcibly();
            changes(st, random, 40, 400);
            assertThat(pipeline.waitFor(30, TimeUnit.SECONDS)).isTrue();
            pipeline = PipelineTestSupport.startPipeline(setup.file(), setup.env(), dir.resolve("run2.log"));
            PipelineTestSupport.awaitEqual(setup.conf(), 180);

            // Key -> no key: the current rows move to the multiset; duplicates become possible.
            st.execute("ALTER TABLE items DROP PRIMARY KEY");
            st.execute("INSERT INTO items SELECT * FROM items WHERE id <= 5");
            changes(st, random, 60, 500);
            PipelineTestSupport.awaitEqual(setup.conf(), 120);

            // And back, after removing the duplicates (MySQL refuses the key otherwise).
            st.execute("CREATE TABLE items_unique AS SELECT id, MIN(name) AS name, MIN(qty) AS qty FROM items GROUP BY id");
            st.execute("DELETE FROM items");
            st.execute("INSERT INTO items SELECT * FROM items_unique");
            st.execute("DROP TABLE items_unique");
            st.execute("ALTER TABLE items ADD PRIMARY KEY (id)");
            changes(st, random, 60, 600);
            PipelineTestSupport.awaitEqual(setup.conf(), 120);

            // A replaced key cannot re-key stored rows: the pipeline stops and says what to do.
            st.execute("ALTER TABLE items DROP PRIMARY KEY, ADD PRIMARY KEY (id, name)");
            assertThat(pipeline.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(pipeline.exitValue()).isNotZero();
            assertThat(Files.readString(dir.resolve("run2.log"))).contains("The primary key of keychange.items was replaced")
                    .contains("Start from a new snapshot");
        } finally {
            pipeline.destroy();
            pipeline.waitFor(120, TimeUnit.SECONDS);
        }
    }

    /** Inserts (ids from {@code base}), updates and deletes. */
    private static void changes(Statement st, Random random, int count, int base) throws Exception {
        for (int i = 0; i < count; i++) {
            int id = 1 + random.nextInt(50);
            switch (random.nextInt(4)) {
                case 0 -> st.executeUpdate("INSERT INTO items VALUES (" + (base + i) + ", 'new " + i + "', " + i + ")");
                case 1 -> st.executeUpdate("UPDATE items SET qty = qty + 1, name = CONCAT(name, '+') WHERE id = " + id);
                case 2 -> st.executeUpdate("DELETE FROM items WHERE id = " + (base - 100 + random.nextInt(count)));
                default -> st.executeUpdate("UPDATE items SET qty = " + i + " WHERE id = " + (base - 100 + i));
            }
        }
    }
}
