package io.tributary.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.localservers.ClickHouseServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;

/** Runs the real jar as a child process and checks convergence the way a user would. */
final class PipelineTestSupport {
    private static final Path JAR = Path.of("target/tributary.jar").toAbsolutePath();

    private PipelineTestSupport() {}

    /** Deletes a directory tree (a pipeline's state.dir, for the documented "new snapshot" recovery). */
    static void deleteRecursively(Path dir) throws java.io.IOException {
        if (!java.nio.file.Files.exists(dir)) {
            return;
        }
        try (var files = java.nio.file.Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** The MySQL admin user, connected to {@code database} ("" for none). */
    static java.sql.Connection mysqlAdmin(io.tributary.localservers.MySqlServer mysql, String database)
            throws java.sql.SQLException {
        return java.sql.DriverManager.getConnection(mysql.jdbcUrl(database), mysql.admin().user(), mysql.admin().password());
    }

    /** Drops {@code database} in ClickHouse and MySQL, then creates it empty in MySQL: a test's own start. */
    static void freshDatabase(io.tributary.localservers.MySqlServer mysql, ClickHouseServer clickhouse, String database)
            throws Exception {
        clickhouse(clickhouse, "DROP DATABASE IF EXISTS " + database);
        try (java.sql.Connection c = mysqlAdmin(mysql, ""); java.sql.Statement st = c.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS " + database);
            st.execute("CREATE DATABASE " + database);
        }
    }

    /** Where the server writes its binlog now: file and position, by the statement its version knows. */
    record BinlogStatus(String file, long position) {}

    static BinlogStatus binlogStatus(java.sql.Connection c) throws java.sql.SQLException {
        String statement = io.tributary.cdc.source.MySqlServerVersion.of(c).binaryLogStatusStatement();
        try (java.sql.Statement st = c.createStatement(); java.sql.ResultSet rs = st.executeQuery(statement)) {
            assertThat(rs.next()).as("the binlog is on").isTrue();
            return new BinlogStatus(rs.getString(1), rs.getLong(2));
        }
    }

    /** Deletes the server's binlog files and starts their numbering again (RESET MASTER before MySQL 8.2). */
    static void resetBinaryLogs(java.sql.Connection c) throws java.sql.SQLException {
        String statement = io.tributary.cdc.source.MySqlServerVersion.of(c).resetBinaryLogsStatement();
        try (java.sql.Statement st = c.createStatement()) {
            st.execute(statement);
        }
    }

    /** A test's configuration file (flat dotted keys), the environment holding its secrets, and the loaded result. */
    record TestConfig(Path file, Map<String, String> env, Configuration conf) {}

    /**
     * Writes {@code dir/tributary.yaml} capturing {@code database} into the shared servers' ClickHouse,
     * with the API on a free port, state under {@code dir/state}, and {@code settings} on top.
     */
    static TestConfig configure(Path dir, io.tributary.localservers.MySqlServer mysql, ClickHouseServer clickhouse,
                                String database, String token, Map<String, String> settings) throws Exception {
        Map<String, String> keys = new java.util.LinkedHashMap<>();
        keys.put("source.mysql.host", mysql.host());
        keys.put("source.mysql.port", Integer.toString(mysql.port()));
        keys.put("source.mysql.user", mysql.cdc().user());
        keys.put("source.mysql.databases", "[" + database + "]");
        keys.put("sink.clickhouse.url", clickhouse.httpUrl());
        keys.put("api.port", Integer.toString(io.tributary.localservers.FreePorts.find()));
        keys.put("state.dir", dir.resolve("state").toString());
        // Tests that change ClickHouse behind the pipeline's back assert what verify then sees: continuous
        // verification would repair it meanwhile. ContinuousVerificationIT turns it on.
        keys.put("source.mysql.verify.rows-per-second", "0");
        keys.putAll(settings);
        StringBuilder yaml = new StringBuilder();
        keys.forEach((k, v) -> yaml.append(k).append(": ").append(v).append('\n'));
        Path file = dir.resolve("tributary.yaml");
        java.nio.file.Files.createDirectories(dir);
        java.nio.file.Files.writeString(file, yaml);
        Map<String, String> env = new java.util.HashMap<>(System.getenv());
        env.put("TRIBUTARY_SOURCE_MYSQL_PASSWORD", mysql.cdc().password());
        env.put("TRIBUTARY_API_TOKENS", token);
        return new TestConfig(file, env, TributaryConfig.load(file, env));
    }

    /**
     * Settings of a test that reads from more than one MySQL server: checkpoints every second, and a
     * status database of its own, because the rows it leaves there come from servers that are gone
     * (another server's numbering), and other tests read the shared one through /status.
     */
    static Map<String, String> serverSwitchSettings(String statusDatabase) {
        return Map.of("state.checkpoint-interval", "1s", "sink.clickhouse.status-database", statusDatabase);
    }

    static Process startPipeline(Path config, Map<String, String> env, Path log) throws Exception {
        return startPipeline(config, env, log, java.util.List.of());
    }

    /** The jar with extra JVM options (e.g. {@code -Duser.timezone=...}). */
    static Process startPipeline(Path config, Map<String, String> env, Path log, java.util.List<String> jvmOptions)
            throws Exception {
        java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of("java", "-Xmx768m"));
        command.addAll(jvmOptions);
        command.addAll(java.util.List.of("-jar", JAR.toString(), "run", "--config", config.toString()));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(env);
        return pb.start();
    }

    /** The trimmed answer of a ClickHouse query, or "" when ClickHouse answers with an error. */
    static String clickhouse(ClickHouseServer clickhouse, String sql) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(clickhouse.httpUrl() + "/"))
                .POST(HttpRequest.BodyPublishers.ofString(sql)).build(), HttpResponse.BodyHandlers.ofString());
        return r.statusCode() == 200 ? r.body().trim() : "";
    }

    /** Runs {@code tributary verify} until it reports equal and returns its report, failing with its last report after the deadline. */
    static String awaitEqual(Configuration conf, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        String last = "";
        while (System.nanoTime() < deadline) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int code = Verify.run(conf, new PrintStream(out, true, StandardCharsets.UTF_8));
            last = out.toString(StandardCharsets.UTF_8);
            if (code == 0) {
                assertThat(last).contains("EQUAL").doesNotContain("DIFFERENT");
                return last;
            }
            Thread.sleep(2000);
        }
        throw new AssertionError("ClickHouse did not converge to MySQL within " + seconds + " s:\n" + last);
    }

    /** The body of {@code GET path} on the pipeline's API, authenticated with the test's token. */
    static String api(TestConfig setup, String path) throws Exception {
        return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                        "http://127.0.0.1:" + setup.conf().get(TributaryConfig.API_PORT) + path))
                .header("Authorization", "Bearer " + setup.env().get("TRIBUTARY_API_TOKENS")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
    }

    /** verify's line for {@code table} ("db.table EQUAL ..."), or "". */
    static String verifyLine(Configuration conf, String table) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Verify.run(conf, new PrintStream(out, true, StandardCharsets.UTF_8));
        return out.toString(StandardCharsets.UTF_8).lines().filter(l -> l.startsWith(table + " ")).findFirst().orElse("");
    }

    static void awaitTable(Configuration conf, String table, boolean equal, int seconds)
            throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        String line = "";
        while (System.nanoTime() < deadline) {
            line = verifyLine(conf, table);
            if (line.contains(equal ? "EQUAL" : "DIFFERENT")) {
                return;
            }
            Thread.sleep(2000);
        }
        throw new AssertionError(table + " did not become " + (equal ? "equal" : "different") + ": " + line);
    }

    /** Waits until the pipeline's log {@code log} contains {@code text} (looked at every 20 ms), failing after {@code seconds}. */
    static void awaitLogLine(Path log, String text, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            if (java.nio.file.Files.exists(log) && java.nio.file.Files.readString(log).contains(text)) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no '" + text + "' in " + log + " within " + seconds + " s");
    }

    /** {@code /status} (with the API token {@code token}) once its body contains {@code expected}. */
    static String awaitStatus(TestConfig setup, String token, String expected)
            throws Exception {
        String url = "http://127.0.0.1:" + setup.conf().get(TributaryConfig.API_PORT) + "/status";
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        String body = "";
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
                        .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
                body = r.body();
                if (r.statusCode() == 200 && body.contains(expected)) {
                    return body;
                }
            } catch (java.io.IOException starting) {
                body = starting.toString();
            }
            Thread.sleep(1000);
        }
        throw new AssertionError("/status never contained " + expected + ": " + body);
    }
}
