package io.tributary.app.bench;

import static io.tributary.app.bench.BenchSupport.*;

import io.tributary.localservers.ClickHouseServer;
import io.tributary.localservers.LocalClickHouse;
import io.tributary.localservers.LocalMySql;
import io.tributary.localservers.MySqlServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;

/**
 * {@code tributary verify} on a big table (not a test): {@code bench/pipeline.sh}'s shape, 10M rows by
 * default, snapshotted by the pipeline, which is then stopped; then {@code ./tributary verify} as a
 * user runs it (the launcher's 512 MiB heap), timed, with its peak RSS; and beside it, in the same
 * run, what merely reading both sides in key order costs (the floor any full comparison pays).
 * Run with {@code bench/verify.sh [ROWS]}.
 */
public final class VerifyBenchmark {
    public static void main(String[] args) throws Exception {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 10_000_000;
        Path base = freshDirectory("bench-verify");
        MySqlServer mysql = LocalMySql.start(base.resolve("mysql"));
        ClickHouseServer clickhouse = LocalClickHouse.start(base.resolve("clickhouse"));
        try {
            System.out.printf("machine: %d cores; MySQL 8.0.31, ClickHouse 26.7 and the verify JVM on this box%n",
                    Runtime.getRuntime().availableProcessors());
            try (Connection c = admin(mysql); Statement st = c.createStatement()) {
                createEventsTable(st);
                loadEvents(st, rows);
            }
            Path config = pipelineConfig(mysql, clickhouse, base);
            Process pipeline = start(config, pipelineEnv(mysql), base.resolve("run.log"));
            try {
                await(clickhouse, "SELECT count() FROM bench.events__versions", rows, pipeline);
            } finally {
                pipeline.destroy();
                pipeline.waitFor(120, TimeUnit.SECONDS);
            }
            System.out.println("what                                   | seconds | rows/s      | peak RSS MiB");
            long start = System.nanoTime();
            try (Connection c = admin(mysql); Statement st = c.createStatement(java.sql.ResultSet.TYPE_FORWARD_ONLY,
                    java.sql.ResultSet.CONCUR_READ_ONLY)) {
                st.setFetchSize(Integer.MIN_VALUE);
                long n = 0;
                try (var rs = st.executeQuery("SELECT id, account, CAST(amount AS CHAR), note, CAST(created AS CHAR) "
                        + "FROM bench.events ORDER BY id")) {
                    while (rs.next()) {
                        for (int i = 1; i <= 5; i++) {
                            rs.getString(i);
                        }
                        n++;
                    }
                }
                double s = seconds(start);
                System.out.printf("%-38s | %7.1f | %11s | -%n", "read MySQL in key order (" + n + " rows)", s,
                        String.format("%,.0f", n / s));
            }
            start = System.nanoTime();
            var response = HTTP.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(clickhouse.httpUrl()
                    + "/?output_format_decimal_trailing_zeros=1")).POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                    "SELECT id, account, amount, note, created FROM bench.events ORDER BY id NULLS FIRST FORMAT TabSeparated"))
                    .build(), java.net.http.HttpResponse.BodyHandlers.ofInputStream());
            long lines = 0;
            try (var in = new java.io.BufferedReader(new java.io.InputStreamReader(response.body(),
                    java.nio.charset.StandardCharsets.UTF_8), 1 << 16)) {
                while (in.readLine() != null) {
                    lines++;
                }
            }
            double s = seconds(start);
            System.out.printf("%-38s | %7.1f | %11s | -%n", "read ClickHouse view in key order", s,
                    String.format("%,.0f", lines / s));

            ProcessBuilder pb = new ProcessBuilder(Path.of("tributary").toAbsolutePath().toString(), "verify", "--config",
                    config.toString()).redirectErrorStream(true).redirectOutput(base.resolve("verify.log").toFile());
            pb.environment().putAll(pipelineEnv(mysql));
            pb.environment().remove("TRIBUTARY_JAVA_OPTS");
            start = System.nanoTime();
            Process verify = pb.start();
            long peak = 0;
            while (!verify.waitFor(200, TimeUnit.MILLISECONDS)) {
                peak = Math.max(peak, rssMiB(verify)); // the launcher execs java: its pid is the JVM's
            }
            s = seconds(start);
            String output = Files.readString(base.resolve("verify.log"));
            System.out.printf("%-38s | %7.1f | %11s | %d%n", "tributary verify (-Xmx512m), exit " + verify.exitValue(), s,
                    String.format("%,.0f", rows / s), peak);
            System.out.println(output.lines().filter(l -> l.startsWith("bench.") || l.startsWith("verify:"))
                    .reduce("", (a, b) -> a + b + "\n"));
        } finally {
            clickhouse.close();
            mysql.close();
        }
    }
}
