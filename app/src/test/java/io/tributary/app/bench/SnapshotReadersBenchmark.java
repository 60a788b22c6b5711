package io.tributary.app.bench;

import static io.tributary.app.bench.BenchSupport.*;

import io.tributary.localservers.ClickHouseServer;
import io.tributary.localservers.FreePorts;
import io.tributary.localservers.LocalClickHouse;
import io.tributary.localservers.LocalMySql;
import io.tributary.localservers.MySqlServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;

/**
 * Snapshot readers side by side (not a test): the same table ({@code bench/pipeline.sh}'s shape,
 * 2M rows by default) snapshotted by a new pipeline once per reader, in one run on the same servers:
 * the chunk engine (no lock), the locking reader (a global read lock for a moment) and Debezium's own
 * snapshot. Prints rows/s from process start and from the first row stored to the last, and RSS.
 * With {@code WRITES=1} a writer updates rows during each snapshot (the figures then include them).
 * Run with {@code bench/snapshot.sh [ROWS] [READERS=chunked,locking,debezium]}.
 */
public final class SnapshotReadersBenchmark {
    public static void main(String[] args) throws Exception {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 2_000_000;
        String readers = args.length > 1 ? args[1] : "chunked,locking,debezium";
        Path base = freshDirectory("bench-snapshot");
        MySqlServer mysql = LocalMySql.start(base.resolve("mysql"));
        ClickHouseServer clickhouse = LocalClickHouse.start(base.resolve("clickhouse"));
        try {
            System.out.printf("machine: %d cores; MySQL 8.0.31, ClickHouse 26.7 and the pipeline JVM on this box%n",
                    Runtime.getRuntime().availableProcessors());
            try (Connection c = admin(mysql); Statement st = c.createStatement()) {
                createEventsTable(st);
                loadEvents(st, rows);
            }
            System.out.println("reader   | start to last row s | rows/s from process start | first to last row s "
                    + "| rows/s first to last | RSS MiB");
            for (String reader : readers.split(",")) {
                run(mysql, clickhouse, base.resolve(reader.trim()), reader.trim(), rows);
            }
        } finally {
            clickhouse.close();
            mysql.close();
        }
    }

    private static void run(MySqlServer mysql, ClickHouseServer clickhouse, Path dir, String reader, int rows)
            throws Exception {
        Files.createDirectories(dir);
        scalarOrEmpty(clickhouse, "DROP DATABASE IF EXISTS bench");
        scalarOrEmpty(clickhouse, "DROP DATABASE IF EXISTS tributary_" + reader);
        Path config = dir.resolve("tributary.yaml");
        Files.writeString(config, String.join("\n", "source:", "  mysql:", "    host: " + mysql.host(),
                "    port: " + mysql.port(), "    user: " + mysql.cdc().user(), "    databases: [bench]",
                "    snapshot:", "      reader: " + reader, "sink:", "  clickhouse:", "    url: " + clickhouse.httpUrl(),
                "    status-database: tributary_" + reader, "api:", "  port: " + FreePorts.find(), "state:",
                "  dir: " + dir.resolve("state"), "") + benchSettings());
        long start = System.nanoTime();
        Process pipeline = start(config, pipelineEnv(mysql), dir.resolve("run.log"));
        try {
            long firstRow = await(clickhouse, "SELECT count() FROM bench.events__versions", rows, pipeline);
            double total = seconds(start);
            double streaming = seconds(firstRow);
            System.out.printf("%-8s | %19.1f | %25s | %19.1f | %20s | %d%n", reader, total, String.format("%,.0f", rows / total),
                    streaming, String.format("%,.0f", rows / streaming), rssMiB(pipeline));
        } finally {
            pipeline.destroy();
            pipeline.waitFor(120, TimeUnit.SECONDS);
        }
    }
}
