package io.tributary.app.bench;

import io.tributary.cdc.event.ColumnSchema;
import io.tributary.cdc.event.TableSchema;
import io.tributary.localservers.ClickHouseServer;
import io.tributary.localservers.LocalClickHouse;
import io.tributary.sink.clickhouse.client.ClickHouseHttp;
import io.tributary.sink.clickhouse.schema.ChangelogDdl;
import io.tributary.sink.clickhouse.schema.TableNames;
import io.tributary.sink.clickhouse.views.ViewDefinition;
import io.tributary.sink.clickhouse.views.ViewInstaller;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * How fast an analytics view answers on millions of changes (not a test). Builds the changelog
 * of a payments-like table with the real DDL, installs a revenue-per-store-per-day view with the
 * real installer, loads CHANGES signed rows (a fifth of them updates: retraction + new row)
 * through the materialized view, then times the view and, for comparison, the same aggregate
 * computed from the changelog. Run with {@code bench/views.sh [CHANGES]}.
 */
public final class ViewLatencyBenchmark {
    public static void main(String[] args) throws Exception {
        long changes = args.length > 0 ? Long.parseLong(args[0]) : 5_000_000;
        Path base = BenchSupport.freshDirectory("bench-views");
        ClickHouseServer server = LocalClickHouse.start(base.resolve("clickhouse"));
        try {
            run(new ClickHouseHttp(server.httpUrl(), "default", "", Duration.ofMinutes(10)), changes);
        } finally {
            server.close();
        }
    }

    private static void run(ClickHouseHttp ch, long changes) {
        ch.query("CREATE DATABASE bench");
        TableSchema payments = new TableSchema(List.of(
                new ColumnSchema("payment_id", "BIGINT", -1, -1, false, true),
                new ColumnSchema("store_id", "TINYINT UNSIGNED", -1, -1, true, false),
                new ColumnSchema("amount", "DECIMAL", 5, 2, false, false),
                new ColumnSchema("payment_date", "DATETIME", 0, -1, false, false)));
        ch.query(ChangelogDdl.createChangesTable(new TableNames("bench", "payment"), "bench.payment", payments));
        ViewDefinition view = ViewDefinition.parse("revenue_by_store_day.sql", "revenue_by_store_day", """
                -- key: store_id, day
                SELECT store_id, toDate(payment_date) AS day, sum(amount * _sign) AS revenue, sum(_sign) AS payments
                FROM payment__changes GROUP BY store_id, day
                """);
        new ViewInstaller(ch).install(view, "bench");

        // Every 5th change is an update: the retraction of the old row and the new row (two rows).
        long started = System.nanoTime();
        long batch = 1_000_000;
        for (long from = 0; from < changes; from += batch) {
            long n = Math.min(batch, changes - from);
            ch.query("INSERT INTO bench.payment__changes (payment_id, store_id, amount, payment_date, _version, _sign, _key, "
                    + "_source_ts) SELECT n % 1000000, 1 + n % 50, toDecimal32((n % 1000) / 100, 2), "
                    + "toDateTime64('2024-01-01 00:00:00', 0, 'UTC') + toIntervalSecond(n * 61 % 63072000), "
                    + "toUInt128(n), if(n % 5 = 4, -1, 1), sipHash64(n % 1000000), now64(3) "
                    + "FROM (SELECT number + " + from + " AS n FROM numbers(" + n + "))");
        }
        double loadSeconds = (System.nanoTime() - started) / 1e9;
        String groups = ch.query("SELECT count() FROM bench.revenue_by_store_day").trim();
        String parts = ch.query("SELECT count() FROM system.parts WHERE database = 'bench' AND table = "
                + "'revenue_by_store_day__totals' AND active").trim();
        System.out.printf("loaded %,d signed changes through the materialized view in %.1f s (%,.0f rows/s)%n",
                changes, loadSeconds, changes / loadSeconds);
        System.out.printf("view: %s groups (store x day), totals table in %s active parts%n", groups, parts);

        report(ch, "view, every group", "SELECT * FROM bench.revenue_by_store_day FORMAT Null");
        report(ch, "view, one store, one month",
                "SELECT * FROM bench.revenue_by_store_day WHERE store_id = 7 AND day BETWEEN '2024-03-01' AND '2024-03-31' FORMAT Null");
        report(ch, "view, top 10 days by revenue",
                "SELECT day, sum(revenue) AS r FROM bench.revenue_by_store_day GROUP BY day ORDER BY r DESC LIMIT 10 FORMAT Null");
        report(ch, "same aggregate from the changelog (no view)",
                "SELECT store_id, toDate(payment_date) AS day, sum(amount * _sign), sum(_sign) FROM bench.payment__changes "
                        + "GROUP BY store_id, day FORMAT Null");
        ch.query("OPTIMIZE TABLE bench.revenue_by_store_day__totals FINAL");
        report(ch, "view, every group, after OPTIMIZE FINAL", "SELECT * FROM bench.revenue_by_store_day FORMAT Null");
    }

    private static void report(ClickHouseHttp ch, String what, String sql) {
        for (int i = 0; i < 5; i++) {
            ch.query(sql); // warm-up
        }
        List<Double> ms = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            long t = System.nanoTime();
            ch.query(sql);
            ms.add((System.nanoTime() - t) / 1e6);
        }
        Collections.sort(ms);
        System.out.printf("%-48s p50 %7.1f ms  p99 %7.1f ms  (100 queries over HTTP)%n", what, ms.get(49), ms.get(98));
    }
}
