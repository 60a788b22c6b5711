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
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Binlog settings that a single session, or the server, can change so that a change no longer
 * carries whole rows. None of them may pass silently:
 * <ul>
 *   <li>a partial row image (a session's {@code binlog_row_image = MINIMAL} or {@code NOBLOB}, also
 *       inside a compressed transaction) parks its table, naming the setting and the position, while
 *       the other tables keep flowing; {@code resync} makes it equal again;</li>
 *   <li>a session's {@code binlog_row_value_options = PARTIAL_JSON}: its updates are logged as events
 *       Debezium does not read. They are applied, JSON diffs too (JSON_SET, JSON_REPLACE, JSON_REMOVE;
 *       compressed too); a diff without the old document (MINIMAL as well) parks its table;</li>
 *   <li>{@code PARTIAL_JSON} on the server is refused at start-up.</li>
 * </ul>
 * Before: the partial image restarted the job forever (then: stopped the whole pipeline), and every
 * update of a PARTIAL_JSON session was skipped without a trace, leaving the old row in ClickHouse.
 */
class SessionRowImageIT {
    private static final String DB = "rowimage_it";

    @Test
    void partialChangesParkTheirTableAndTheRestIsApplied() throws Exception {
        MySqlServer mysql = SharedServers.mysql();
        ClickHouseServer clickhouse = SharedServers.clickhouse();
        PipelineTestSupport.freshDatabase(mysql, clickhouse, DB);
        try (Connection c = PipelineTestSupport.mysqlAdmin(mysql, DB); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE minimal (id INT PRIMARY KEY, a INT, b VARCHAR(20))");
            st.execute("CREATE TABLE noblob (id INT PRIMARY KEY, a INT, t TEXT)");
            st.execute("CREATE TABLE packed (id INT PRIMARY KEY, a INT, b VARCHAR(20))");
            st.execute("CREATE TABLE docs (id INT PRIMARY KEY, n INT, doc JSON)");
            st.execute("CREATE TABLE diffs (id INT PRIMARY KEY, n INT, doc JSON)");
            st.execute("CREATE TABLE fine (id INT PRIMARY KEY, a INT)");
            for (int i = 1; i <= 10; i++) {
                st.execute("INSERT INTO minimal VALUES (" + i + ", " + i + ", 'b" + i + "')");
                st.execute("INSERT INTO noblob VALUES (" + i + ", " + i + ", REPEAT('t', " + (100 * i) + "))");
                st.execute("INSERT INTO packed VALUES (" + i + ", " + i + ", 'p" + i + "')");
                st.execute("INSERT INTO docs VALUES (" + i + ", " + i + ", JSON_OBJECT('k', " + i + ", 'list', JSON_ARRAY(1, 2)))");
                st.execute("INSERT INTO diffs VALUES (" + i + ", " + i + ", JSON_OBJECT('k', " + i + ", 'pad', REPEAT('x', 200)))");
                st.execute("INSERT INTO fine VALUES (" + i + ", " + i + ")");
            }
        }
        Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "rowimage-");
        String token = "rowimage-" + System.nanoTime();
        PipelineTestSupport.TestConfig setup = PipelineTestSupport.configure(dir, mysql, clickhouse, DB, token,
                Map.of("state.checkpoint-interval", "1s"));
        Process pipeline = PipelineTestSupport.startPipeline(setup.file(), setup.env(), dir.resolve("run1.log"));
        try (Connection c = PipelineTestSupport.mysqlAdmin(mysql, DB); Statement st = c.createStatement()) {
            PipelineTestSupport.awaitEqual(setup.conf(), 180);

            // A PARTIAL_JSON session: whole values and JSON diffs, all of which must be applied.
            st.execute("SET SESSION binlog_row_value_options = PARTIAL_JSON");
            st.execute("UPDATE docs SET n = n + 100 WHERE id = 1"); // the JSON column flagged with an empty diff
            st.execute("UPDATE docs SET doc = JSON_OBJECT('whole', 'new document') WHERE id = 2");
            st.execute("UPDATE fine SET a = a + 100 WHERE id = 1");
            st.execute("UPDATE docs SET doc = JSON_SET(doc, '$.k', 500) WHERE id = 4"); // diffs from here on
            st.execute("UPDATE docs SET doc = JSON_SET(doc, '$.added', 'new key', '$.k', 'text') WHERE id = 5");
            st.execute("UPDATE docs SET doc = JSON_REMOVE(doc, '$.list[0]') WHERE id = 6");
            st.execute("UPDATE docs SET doc = JSON_REPLACE(doc, '$.list[1]', JSON_OBJECT('deep', TRUE)) WHERE id = 7");
            st.execute("UPDATE docs SET n = n + 1, doc = JSON_SET(doc, '$.k', n) WHERE id >= 8"); // several rows
            st.execute("SET SESSION binlog_transaction_compression = ON");
            st.execute("BEGIN");
            st.execute("UPDATE docs SET n = n + 100 WHERE id = 3");
            st.execute("UPDATE docs SET doc = JSON_SET(doc, '$.k', -3) WHERE id = 3");
            st.execute("UPDATE fine SET a = a + 100 WHERE id = 3");
            st.execute("COMMIT");
            st.execute("SET SESSION binlog_transaction_compression = OFF");
            // ... and a diff without the old document (MINIMAL as well): it cannot be applied, so its table is parked.
            st.execute("SET SESSION binlog_row_image = MINIMAL");
            st.execute("UPDATE diffs SET doc = JSON_SET(doc, '$.k', 500) WHERE id = 5");
            st.execute("SET SESSION binlog_row_image = FULL");
            st.execute("SET SESSION binlog_row_value_options = ''");

            st.execute("SET SESSION binlog_row_image = MINIMAL");
            st.execute("UPDATE minimal SET a = a + 100 WHERE id = 1"); // logged: the key and a, not b
            st.execute("SET SESSION binlog_transaction_compression = ON");
            st.execute("UPDATE packed SET a = a + 100 WHERE id = 1"); // the same, inside a compressed transaction
            st.execute("SET SESSION binlog_transaction_compression = OFF");
            st.execute("SET SESSION binlog_row_image = NOBLOB");
            st.execute("UPDATE noblob SET a = a + 100 WHERE id = 1"); // logged without the unchanged TEXT
            st.execute("SET SESSION binlog_row_image = FULL");
            st.execute("UPDATE fine SET a = 200 WHERE id = 2");

            String status = PipelineTestSupport.awaitStatus(setup, token, "\"" + DB + ".noblob\"");
            assertThat(status).contains("\"" + DB + ".minimal\"").contains("\"" + DB + ".packed\"")
                    .contains("\"" + DB + ".diffs\"").contains("binlog_row_image = MINIMAL or NOBLOB")
                    .contains("binlog_row_value_options = PARTIAL_JSON").contains("./tributary resync");
            assertThat(status).doesNotContain("\"" + DB + ".docs\"").doesNotContain("\"" + DB + ".fine\"");
            assertThat(pipeline.isAlive()).as("parking, not stopping").isTrue();
            for (String equal : List.of("docs", "fine")) {
                PipelineTestSupport.awaitTable(setup.conf(), DB + "." + equal, true, 120);
            }
            for (String parked : List.of("minimal", "packed", "noblob", "diffs")) {
                assertThat(PipelineTestSupport.verifyLine(setup.conf(), DB + "." + parked)).contains("DIFFERENT");
            }
            String log = Files.readString(dir.resolve("run1.log"));
            assertThat(log).contains("A change to table '" + DB + ".minimal' at binlog ")
                    .contains("holds 1 of its 3 columns in its old row").contains("Table " + DB + ".minimal is PARKED")
                    .contains("changes JSON column ");

            // The documented recovery, table by table, while the pipeline runs.
            for (String parked : List.of("minimal", "packed", "noblob", "diffs")) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                assertThat(ResyncCommand.run(setup.conf(), DB + "." + parked, Duration.ofSeconds(180),
                        new PrintStream(out, true, StandardCharsets.UTF_8))).as(out.toString(StandardCharsets.UTF_8))
                        .isZero();
            }
            st.execute("UPDATE minimal SET b = 'after recovery' WHERE id = 3");
            PipelineTestSupport.awaitEqual(setup.conf(), 180);
            assertThat(PipelineTestSupport.clickhouse(clickhouse, "SELECT a FROM " + DB + ".minimal WHERE id = 1"))
                    .isEqualTo("101");
        } finally {
            pipeline.destroy();
            pipeline.waitFor(120, TimeUnit.SECONDS);
        }
    }

    @Test
    void partialJsonOnTheServerIsRefusedAtStartUp() throws Exception {
        MySqlServer mysql = SharedServers.mysql();
        ClickHouseServer clickhouse = SharedServers.clickhouse();
        try (Connection c = PipelineTestSupport.mysqlAdmin(mysql, ""); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE IF NOT EXISTS " + DB);
            st.execute("SET GLOBAL binlog_row_value_options = PARTIAL_JSON");
            Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "partialjson-");
            PipelineTestSupport.TestConfig setup = PipelineTestSupport.configure(dir, mysql, clickhouse, DB,
                    "partialjson-" + System.nanoTime(), Map.of());
            Process pipeline = PipelineTestSupport.startPipeline(setup.file(), setup.env(), dir.resolve("run.log"));
            try {
                assertThat(pipeline.waitFor(120, TimeUnit.SECONDS)).isTrue();
                assertThat(pipeline.exitValue()).isNotZero();
                assertThat(Files.readString(dir.resolve("run.log"))).contains("binlog_row_value_options is PARTIAL_JSON")
                        .contains("SET PERSIST binlog_row_value_options = ''");
            } finally {
                pipeline.destroyForcibly();
            }
        } finally {
            try (Connection c = PipelineTestSupport.mysqlAdmin(mysql, ""); Statement st = c.createStatement()) {
                st.execute("SET GLOBAL binlog_row_value_options = ''");
            }
        }
    }
}
