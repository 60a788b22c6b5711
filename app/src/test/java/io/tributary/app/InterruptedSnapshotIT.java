package io.tributary.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.localservers.ClickHouseServer;
import io.tributary.localservers.MySqlServer;
import io.tributary.localservers.SharedServers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * kill -9 while the initial snapshot is still running, then rows deleted in MySQL before the
 * restart: the snapshot resumes, and must remove what the chunks it reads again had copied. And a new snapshot over
 * what an earlier one stored (its state lost) must empty a table emptied since, which has no snapshot
 * row to say so.
 */
class InterruptedSnapshotIT {
    /**
     * kill -9 in the middle of a snapshot without locks of 40 chunks, with rows of chunks handed out after
     * the last checkpoint already stored, then deletes and updates across the whole key range while the
     * pipeline is down. The restart continues with the chunks the checkpoint had not completed: rows of
     * the completed ones are not read again (they keep the first snapshot's version), and what the
     * chunks read again had stored before the kill is swept in their key ranges only. Without the range
     * sweep the rows deleted while down stay; with a sweep of the whole table the completed chunks' rows
     * go. Once keyed by an integer, once by a DATETIME(6) and a DECIMAL, whose chunk bounds ClickHouse must
     * read as MySQL does (typed literals) for the sweep to remove exactly the rows of the chunks read again.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"id", "at, amount"})
    void snapshotKilledHalfwayResumesFromItsCompletedChunks(String key) throws Exception {
        MySqlServer mysql = SharedServers.mysql();
        ClickHouseServer clickhouse = SharedServers.clickhouse();
        try (Connection c = DriverManager.getConnection(mysql.jdbcUrl(null), mysql.admin().user(), mysql.admin().password());
             Statement st = c.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS bulk");
            st.execute("CREATE DATABASE bulk");
            st.execute("CREATE TABLE bulk.items (id INT NOT NULL, v VARCHAR(40), amount DECIMAL(12,2) NOT NULL, "
                    + "at DATETIME(6) NOT NULL, PRIMARY KEY (" + key + "))");
            st.execute("SET SESSION cte_max_recursion_depth = 1000000");
            st.execute("INSERT INTO bulk.items WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < 400000) "
                    + "SELECT n, CONCAT('value ', n), n / 100, TIMESTAMP('2024-01-01') + INTERVAL n SECOND FROM seq");
        }
        PipelineTestSupport.clickhouse(clickhouse, "DROP DATABASE IF EXISTS bulk");
        Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "snapshot-kill-");
        PipelineTestSupport.TestConfig setup = PipelineTestSupport.configure(dir, mysql, clickhouse, "bulk", "t",
                // Checkpoints every second: the snapshot reads 400k rows in about 5 s, and with 3 s the kill found no
                // checkpoint past 120k rows before the end once in the full suite.
                Map.of("sink.clickhouse.batch-size", "5000", "state.checkpoint-interval", "1s",
                        "source.mysql.snapshot.chunk-rows", "10000", "source.mysql.snapshot.threads", "1"));
        Path config = setup.file();
        Map<String, String> env = setup.env();

        Process first = PipelineTestSupport.startPipeline(config, env, dir.resolve("run1.log"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        String checkpoint = null;
        long atCheckpoint = 0;
        long copied = 0;
        while (System.nanoTime() < deadline) {
            copied = count(clickhouse, "SELECT count() FROM bulk.items__versions");
            String newest = newestCheckpoint(dir.resolve("state/checkpoints"));
            if (newest != null && !newest.equals(checkpoint)) {
                checkpoint = newest;
                atCheckpoint = copied; // stored before this checkpoint completed, or in it
            }
            // About half way, with rows of chunks handed out after the last checkpoint stored.
            if (checkpoint != null && atCheckpoint >= 120_000 && copied >= atCheckpoint + 20_000) {
                break;
            }
            Thread.sleep(20);
        }
        first.destroyForcibly();
        assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
        long atKill = count(clickhouse, "SELECT count() FROM bulk.items__versions");
        assertThat(atKill).as("killed in the middle of the snapshot, after the last checkpoint stored more")
                .isBetween(140_000L, 399_999L);

        try (Connection c = DriverManager.getConnection(mysql.jdbcUrl("bulk"), mysql.admin().user(), mysql.admin().password());
             Statement st = c.createStatement()) {
            st.executeUpdate("DELETE FROM items WHERE id <= 5000 OR id % 100 = 0");
            st.executeUpdate("UPDATE items SET v = 'changed while down' WHERE id BETWEEN 5001 AND 6000 OR id % 100 = 1");
        }
        Process second = PipelineTestSupport.startPipeline(config, env, dir.resolve("run2.log"));
        var conf = setup.conf();
        String status;
        try {
            PipelineTestSupport.awaitEqual(conf, 240);
            assertThat(count(clickhouse, "SELECT count() FROM bulk.items WHERE id <= 5000")).isZero();
            status = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:" + conf.get(TributaryConfig.API_PORT) + "/status"))
                    .header("Authorization", "Bearer t").build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        } finally {
            second.destroy();
            second.waitFor(120, TimeUnit.SECONDS);
        }
        String log = Files.readString(dir.resolve("run2.log"));
        java.util.regex.Matcher cut = java.util.regex.Pattern.compile("bulk.items: (\\d+) chunk\\(s\\) of about 10000 rows")
                .matcher(Files.readString(dir.resolve("run1.log")));
        assertThat(cut.find()).as("run1.log says how the table was cut").isTrue();
        java.util.regex.Matcher resumed = java.util.regex.Pattern.compile("Snapshot resumed .*: 1 table\\(s\\) to finish; "
                + "of those cut into chunks, (\\d+) chunk\\(s\\) done before the restart are skipped and (\\d+) "
                + "read again").matcher(log);
        assertThat(resumed.find()).as("run2.log says what it resumes").isTrue();
        int skipped = Integer.parseInt(resumed.group(1));
        int again = Integer.parseInt(resumed.group(2));
        assertThat(skipped + again).isEqualTo(Integer.parseInt(cut.group(1)));
        assertThat(skipped).as("at least the chunks of the 120,000 rows a checkpoint held").isGreaterThanOrEqualTo(11);
        assertThat(again).isPositive();
        assertThat(status).as("/status says what the resumed snapshot skipped")
                .contains("\"chunks_skipped\":" + skipped).contains("\"scope\":\"[" + key + "] in (");
        // Rows of the completed chunks keep the first snapshot's version (the oldest of the two snapshot versions, the
        // two largest groups: each binlog change has a version of its own); the others were read again.
        String[] groups = PipelineTestSupport.clickhouse(clickhouse, "SELECT _version, count() AS c FROM "
                + "bulk.items__versions FINAL WHERE NOT _deleted GROUP BY _version ORDER BY c DESC LIMIT 2").split("\n");
        assertThat(groups).hasSize(2);
        String[][] top = {groups[0].split("\t"), groups[1].split("\t")};
        boolean firstIsOlder = new java.math.BigInteger(top[0][0]).compareTo(new java.math.BigInteger(top[1][0])) < 0;
        long keptFromFirst = Long.parseLong(top[firstIsOlder ? 0 : 1][1]);
        long readAgain = Long.parseLong(top[firstIsOlder ? 1 : 0][1]);
        assertThat(keptFromFirst).as("rows not read again").isGreaterThan(100_000L);
        assertThat(readAgain).as("rows read again, fewer than a snapshot from zero").isBetween(1L, 400_000L - keptFromFirst);
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"chunked", "locking"})
    void aNewSnapshotEmptiesWhatATableEmptiedSinceHadStored(String reader) throws Exception {
        MySqlServer mysql = SharedServers.mysql();
        ClickHouseServer clickhouse = SharedServers.clickhouse();
        try (Connection c = DriverManager.getConnection(mysql.jdbcUrl(null), mysql.admin().user(), mysql.admin().password());
             Statement st = c.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS emptied");
            st.execute("CREATE DATABASE emptied");
            st.execute("CREATE TABLE emptied.labels (id INT PRIMARY KEY, name VARCHAR(20))");
            st.execute("CREATE TABLE emptied.notes (note VARCHAR(20))");
            st.execute("CREATE TABLE emptied.kept (id INT PRIMARY KEY)");
            st.execute("INSERT INTO emptied.labels VALUES (1, 'one'), (2, 'two'), (3, 'three')");
            st.execute("INSERT INTO emptied.notes VALUES ('a'), ('a'), ('b')");
            st.execute("INSERT INTO emptied.kept VALUES (1), (2)");
        }
        PipelineTestSupport.clickhouse(clickhouse, "DROP DATABASE IF EXISTS emptied");
        PipelineTestSupport.clickhouse(clickhouse, "DROP DATABASE IF EXISTS tributary_emptied");
        Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "snapshot-emptied-");
        PipelineTestSupport.TestConfig setup = PipelineTestSupport.configure(dir, mysql, clickhouse, "emptied", "emptied",
                Map.of("sink.clickhouse.status-database", "tributary_emptied", "source.mysql.snapshot.reader", reader));
        Process first = PipelineTestSupport.startPipeline(setup.file(), setup.env(), dir.resolve("run1.log"));
        try {
            PipelineTestSupport.awaitEqual(setup.conf(), 180);
        } finally {
            first.destroyForcibly();
            first.waitFor(30, TimeUnit.SECONDS);
        }
        try (Connection c = DriverManager.getConnection(mysql.jdbcUrl("emptied"), mysql.admin().user(), mysql.admin().password());
             Statement st = c.createStatement()) {
            st.executeUpdate("DELETE FROM labels");
            st.executeUpdate("DELETE FROM notes");
            st.executeUpdate("DELETE FROM kept WHERE id = 2");
        }
        // The state is lost: the next start is a new pipeline, whose snapshot meets what the first one stored.
        try (Stream<Path> files = Files.walk(dir.resolve("state"))) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        Process second = PipelineTestSupport.startPipeline(setup.file(), setup.env(), dir.resolve("run2.log"));
        try {
            PipelineTestSupport.awaitEqual(setup.conf(), 180);
            assertThat(count(clickhouse, "SELECT count() FROM emptied.labels")).isZero();
            assertThat(count(clickhouse, "SELECT count() FROM emptied.kept")).isEqualTo(1);
        } finally {
            second.destroy();
            second.waitFor(120, TimeUnit.SECONDS);
        }
    }

    /** The directory of the newest completed checkpoint (the one holding its {@code _metadata}), or null. */
    private static String newestCheckpoint(Path checkpoints) throws Exception {
        if (!Files.isDirectory(checkpoints)) {
            return null;
        }
        try (Stream<Path> files = Files.walk(checkpoints)) {
            return files.filter(p -> p.getFileName().toString().equals("_metadata")).map(p -> p.getParent().getFileName()
                    .toString()).max(java.util.Comparator.comparingInt(n -> Integer.parseInt(n.replace("chk-", ""))))
                    .orElse(null);
        }
    }

    private static long count(ClickHouseServer clickhouse, String sql) throws Exception {
        String answer = PipelineTestSupport.clickhouse(clickhouse, sql);
        return answer.isEmpty() ? 0 : Long.parseLong(answer);
    }
}
