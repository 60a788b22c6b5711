package io.tributary.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * One broken table does not stop the others: a row the pipeline cannot convert (a date ClickHouse
 * cannot hold) and rows ClickHouse refuses (a constraint) each park their table, visible in
 * {@code /status}, while the other table keeps flowing; a kill -9 keeps it parked; after the
 * cause is fixed, {@code tributary resync} re-reads it online (changes keep coming meanwhile) and
 * {@code verify} ends equal, including a table emptied while parked.
 */
class ParkAndResyncIT {
    @Test
    void brokenTablesAreParkedAndResyncedOnline() throws Exception {
        MySqlServer mysql = SharedServers.mysql();
        ClickHouseServer clickhouse = SharedServers.clickhouse();
        try (Connection c = PipelineTestSupport.mysqlAdmin(mysql, ""); Statement st = c.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS parking");
            st.execute("CREATE DATABASE parking");
            st.execute("CREATE TABLE parking.good (id INT PRIMARY KEY, v INT NOT NULL)");
            st.execute("CREATE TABLE parking.fragile (id INT PRIMARY KEY, d DATE NULL, note VARCHAR(20))");
            st.execute("CREATE TABLE parking.refused (id INT PRIMARY KEY, note VARCHAR(20) NOT NULL)");
            for (int i = 1; i <= 200; i++) {
                st.execute("INSERT INTO parking.good VALUES (" + i + ", " + i + ")");
                st.execute("INSERT INTO parking.fragile VALUES (" + i + ", '2020-01-01' + INTERVAL " + i + " DAY, 'n" + i + "')");
                st.execute("INSERT INTO parking.refused VALUES (" + i + ", 'r" + i + "')");
            }
        }
        Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "parking-");
        String token = "parking-" + System.nanoTime();
        PipelineTestSupport.TestConfig setup = PipelineTestSupport.configure(dir, mysql, clickhouse, "parking", token,
                Map.of("state.checkpoint-interval", "2s"));
        Process pipeline = PipelineTestSupport.startPipeline(setup.file(), setup.env(), dir.resolve("run1.log"));
        Random random = new Random(11);
        try (Connection c = PipelineTestSupport.mysqlAdmin(mysql, "parking"); Statement st = c.createStatement()) {
            PipelineTestSupport.awaitEqual(setup.conf(), 180);

            // A date ClickHouse cannot hold: the pipeline cannot convert the row, so the table is parked.
            st.execute("INSERT INTO fragile VALUES (1000, '1000-01-01', 'too old')");
            changes(st, random, "fragile", 150);
            changes(st, random, "good", 150);
            String status = PipelineTestSupport.awaitStatus(setup, token, "\"parking.fragile\"");
            assertThat(status).contains("\"state\":\"parked\"").contains("parking.fragile.d").contains("1000-01-01")
                    .contains("./tributary resync");
            PipelineTestSupport.awaitTable(setup.conf(), "parking.good", true, 120);
            assertThat(PipelineTestSupport.verifyLine(setup.conf(), "parking.fragile")).contains("DIFFERENT");

            assertThatThrownBy(() -> ResyncCommand.capturedTable(setup.conf(),
                    io.tributary.cdc.source.MySqlSourceConfig.from(setup.conf()), "parking.nope"))
                    .hasMessageContaining("parking.nope is not a table this pipeline captures");

            // Fixed in MySQL, then re-read online while both tables keep changing.
            st.execute("UPDATE fragile SET d = '2000-01-01' WHERE id = 1000");
            assertThat(resyncWhileChanging(mysql, setup, "parking.fragile", random)).isZero();
            String equal = PipelineTestSupport.awaitEqual(setup.conf(), 180);
            assertThat(equal).contains("parking.fragile").contains("parking.good");
            assertThat(PipelineTestSupport.awaitStatus(setup, token, "\"parked\":[]")).doesNotContain("PARKED");

            // ClickHouse refuses rows of one table: parked from the sink, the other table flows.
            PipelineTestSupport.clickhouse(clickhouse,
                    "ALTER TABLE parking.refused__versions ADD CONSTRAINT no_poison CHECK note != 'poison'");
            st.execute("INSERT INTO refused VALUES (5000, 'poison')");
            changes(st, random, "refused", 100);
            changes(st, random, "good", 100);
            assertThat(PipelineTestSupport.awaitStatus(setup, token, "\"parking.refused\"")).contains("\"state\":\"parked\"")
                    .contains("ClickHouse refused rows").contains("no_poison");
            PipelineTestSupport.awaitTable(setup.conf(), "parking.good", true, 120);

            // Still parked after kill -9 and a restart; the others still flow.
            pipeline.destroyForcibly();
            assertThat(pipeline.waitFor(30, TimeUnit.SECONDS)).isTrue();
            changes(st, random, "refused", 50);
            pipeline = PipelineTestSupport.startPipeline(setup.file(), setup.env(), dir.resolve("run2.log"));
            changes(st, random, "good", 100);
            PipelineTestSupport.awaitTable(setup.conf(), "parking.good", true, 180);
            assertThat(PipelineTestSupport.awaitStatus(setup, token, "\"parking.refused\"")).contains("\"state\":\"parked\"");
            assertThat(PipelineTestSupport.verifyLine(setup.conf(), "parking.refused")).contains("DIFFERENT");

            // Emptied while parked: the resync of no rows must still remove what ClickHouse holds.
            st.execute("DELETE FROM refused");
            PipelineTestSupport.clickhouse(clickhouse, "ALTER TABLE parking.refused__versions DROP CONSTRAINT no_poison");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            assertThat(ResyncCommand.run(setup.conf(), "parking.refused", Duration.ofSeconds(180),
                    new PrintStream(out, true, StandardCharsets.UTF_8))).as(out.toString(StandardCharsets.UTF_8)).isZero();
            assertThat(PipelineTestSupport.clickhouse(clickhouse, "SELECT count() FROM parking.refused")).isEqualTo("0");
            st.execute("INSERT INTO refused VALUES (1, 'after resync')");
            changes(st, random, "refused", 50);
            PipelineTestSupport.awaitEqual(setup.conf(), 180);
        } finally {
            pipeline.destroy();
            pipeline.waitFor(120, TimeUnit.SECONDS);
        }
        String log = Files.readString(dir.resolve("run1.log"));
        assertThat(log).contains("Table parking.fragile is PARKED").contains("Resync of parking.fragile read");
    }

    /** Runs the resync command while another connection keeps changing both tables; returns its exit code. */
    private static int resyncWhileChanging(MySqlServer mysql, PipelineTestSupport.TestConfig setup, String table,
                                           Random random) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            try (Connection c = PipelineTestSupport.mysqlAdmin(mysql, "parking"); Statement st = c.createStatement()) {
                Random r = new Random(random.nextLong());
                while (!stop.get()) {
                    changes(st, r, "fragile", 5);
                    changes(st, r, "good", 5);
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            int code = ResyncCommand.run(setup.conf(), table, Duration.ofSeconds(180),
                    new PrintStream(out, true, StandardCharsets.UTF_8));
            System.out.print(out.toString(StandardCharsets.UTF_8));
            return code;
        } finally {
            stop.set(true);
            writer.get(60, TimeUnit.SECONDS);
        }
    }

    private static void changes(Statement st, Random random, String table, int count) throws Exception {
        for (int i = 0; i < count; i++) {
            int id = 1 + random.nextInt(400);
            switch (random.nextInt(4)) {
                case 0 -> st.executeUpdate("DELETE FROM " + table + " WHERE id = " + id);
                case 1 -> st.executeUpdate(switch (table) {
                    case "good" -> "INSERT INTO good VALUES (" + id + ", " + i + ") ON DUPLICATE KEY UPDATE v = v + 1";
                    case "fragile" -> "INSERT INTO fragile VALUES (" + id + ", '2021-06-01', 'i" + i
                            + "') ON DUPLICATE KEY UPDATE note = 'u" + i + "'";
                    default -> "INSERT INTO refused VALUES (" + id + ", 'i" + i + "') ON DUPLICATE KEY UPDATE note = 'u"
                            + i + "'";
                });
                default -> st.executeUpdate(switch (table) {
                    case "good" -> "UPDATE good SET v = v * 2 WHERE id = " + id;
                    case "fragile" -> "UPDATE fragile SET d = d + INTERVAL 1 DAY WHERE id = " + id;
                    default -> "UPDATE refused SET note = CONCAT('x', " + i + ") WHERE id = " + id;
                });
            }
        }
    }
}
