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
 * user runs it (the launcher's 512 MiB heap), timed, with its peak RSS: by chunk checksums (the default)
 * and with {@code --rows} (every row merged), side by side, and what merely reading both sides in key
 * order costs (the floor a row-by-row comparison pays). Before that, the cost of continuous
 * verification: the pipeline's and both servers' CPU while it runs unthrottled, against the idle pipeline.
 * Run with {@code bench/verify.sh [ROWS]}.
 */
public final class VerifyBenchmark {
    /** CPU seconds per wall second of the pipeline JVM, mysqld and ClickHouse over {@code seconds}. */
    private static double[] cpuOver(Process pipeline, Path base, int seconds) throws Exception {
        double[] before = cpu(pipeline.pid(), base);
        Thread.sleep(seconds * 1000L);
        double[] after = cpu(pipeline.pid(), base);
        return new double[] {(after[0] - before[0]) / seconds, (after[1] - before[1]) / seconds,
                (after[2] - before[2]) / seconds};
    }

    /**
     * CPU seconds (user + system, /proc/PID/stat at 100 ticks a second) used so far by {@code pipelinePid} (or
     * none, -1), by the mysqld and by the ClickHouse started under {@code base} (found by their command lines).
     */
    private static double[] cpu(long pipelinePid, Path base) throws Exception {
        double[] out = new double[3];
        try (var procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.filter(x -> x.getFileName().toString().matches("[0-9]+")).toList()) {
                try {
                    String cmd = Files.readString(p.resolve("cmdline")).replace('\0', ' ');
                    String stat = Files.readString(p.resolve("stat"));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    double used = (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
                    long pid = Long.parseLong(p.getFileName().toString());
                    if (pid == pipelinePid) {
                        out[0] += used;
                    } else if (cmd.contains("mysqld") && cmd.contains(base.resolve("mysql").toString())) {
                        out[1] += used;
                    } else if (cmd.contains(base.resolve("clickhouse").toString())) {
                        out[2] += used;
                    }
                } catch (java.io.IOException | RuntimeException gone) {
                    // the process ended while listed
                }
            }
        }
        return out;
    }

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
            String settings = Files.readString(config);
            // Run 1: the snapshot, then the pipeline idle with continuous verification off, for its CPU floor.
            Files.writeString(config, settings + "source.mysql.verify.rows-per-second: 0\n");
            Process pipeline = start(config, pipelineEnv(mysql), base.resolve("run.log"));
            double[] idle;
            try {
                await(clickhouse, "SELECT count() FROM bench.events__versions", rows, pipeline);
                Thread.sleep(10_000); // the snapshot's last checkpoint and merges settle
                idle = cpuOver(pipeline, base, 30);
            } finally {
                pipeline.destroy();
                pipeline.waitFor(120, TimeUnit.SECONDS);
            }
            // Run 2 (restored from run 1's checkpoint): continuous verification unthrottled for 60 s.
            Files.writeString(config, settings + "source.mysql.verify.rows-per-second: 1000000000\n");
            pipeline = start(config, pipelineEnv(mysql), base.resolve("run2.log"));
            double[] verifying;
            long checked;
            try {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
                while (!Files.readString(base.resolve("run2.log")).contains("Continuous verification: every captured")) {
                    requireAlive(pipeline);
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("continuous verification did not start: see run2.log");
                    }
                    Thread.sleep(200);
                }
                Thread.sleep(5_000);
                String before = scalarOrEmpty(clickhouse, "SELECT sum(mysql_rows) FROM tributary.chunk_checks");
                verifying = cpuOver(pipeline, base, 60);
                String after = scalarOrEmpty(clickhouse, "SELECT sum(mysql_rows) FROM tributary.chunk_checks");
                checked = Long.parseLong(after.isEmpty() ? "0" : after) - Long.parseLong(before.isEmpty() ? "0" : before);
            } finally {
                pipeline.destroy();
                pipeline.waitFor(120, TimeUnit.SECONDS);
            }
            String drifted = scalarOrEmpty(clickhouse, "SELECT countIf(verdict = 'drifted') FROM tributary.chunk_checks");
            System.out.println("continuous verification (CPU seconds per wall second: pipeline JVM | mysqld | ClickHouse)");
            System.out.printf("  pipeline idle, verification off, 30 s: %.2f | %.2f | %.2f%n", idle[0], idle[1], idle[2]);
            System.out.printf("  verification unthrottled, 60 s:        %.2f | %.2f | %.2f; %,d rows checked = %,.0f rows/s; "
                    + "%s chunk(s) drifted%n", verifying[0], verifying[1], verifying[2], checked, checked / 60.0, drifted);
            System.out.printf("  so at the default 2,000 rows/s: about %.3f CPU cores in all%n", 2000.0 / Math.max(1,
                    checked / 60.0) * (verifying[0] + verifying[1] + verifying[2] - idle[0] - idle[1] - idle[2]));
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

            // One checksum connection (as before --threads), the default two, and every row merged, side by side.
            for (String mode : new String[] {"--threads 1", "", "--rows"}) {
                ProcessBuilder pb = new ProcessBuilder(Path.of("tributary").toAbsolutePath().toString(), "verify", "--config",
                        config.toString()).redirectErrorStream(true).redirectOutput(base.resolve("verify.log").toFile());
                if (!mode.isEmpty()) {
                    pb.command().addAll(java.util.List.of(mode.split(" ")));
                }
                pb.environment().putAll(pipelineEnv(mysql));
                pb.environment().remove("TRIBUTARY_JAVA_OPTS");
                start = System.nanoTime();
                double[] cpuBefore = cpu(-1, base);
                Process verify = pb.start();
                long peak = 0;
                while (!verify.waitFor(200, TimeUnit.MILLISECONDS)) {
                    peak = Math.max(peak, rssMiB(verify)); // the launcher execs java: its pid is the JVM's
                }
                s = seconds(start);
                double[] cpuAfter = cpu(-1, base);
                String output = Files.readString(base.resolve("verify.log"));
                System.out.printf("%-38s | %7.1f | %11s | %d%n", "tributary verify " + (mode.isEmpty() ? "" : mode + " ")
                        + "(-Xmx512m), exit " + verify.exitValue(), s, String.format("%,.0f", rows / s), peak);
                System.out.printf("    server CPU seconds: mysqld %.1f, ClickHouse %.1f%n", cpuAfter[1] - cpuBefore[1],
                        cpuAfter[2] - cpuBefore[2]);
                System.out.println(output.lines().filter(l -> l.startsWith("bench.") || l.startsWith("verify:"))
                        .reduce("", (a, b) -> a + b + "\n"));
            }
        } finally {
            clickhouse.close();
            mysql.close();
        }
    }
}
