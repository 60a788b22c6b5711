package io.tributary.api.query;

import io.tributary.sink.clickhouse.client.ClickHouseHttp;
import io.tributary.sink.clickhouse.client.TsvText;
import io.tributary.sink.clickhouse.schema.ChunkChecksTable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What continuous verification found, from {@code <status database>.chunk_checks}: per table the
 * chunks compared and those that drifted (in the last {@link #WINDOW_HOURS} hours), and the key ranges
 * whose latest check is a drift (open: not repaired, or repair off). Read at most every
 * {@link #REFRESH_MS} ms; empty while the table does not exist (verification off, or nothing checked yet).
 */
public final class ChunkCheckSummary {
    static final long REFRESH_MS = 5_000;
    static final int WINDOW_HOURS = 24;

    /** One table's checks; times are epoch milliseconds. */
    public record TableChecks(String table, long checked, long drifted, long lastCheckedAtMs) {}

    /** A key range whose newest check found it different. */
    public record OpenDrift(String table, String keyRange, long checkedAtMs, long mysqlRows, long clickhouseRows) {}

    public record Summary(Map<String, TableChecks> tables, List<OpenDrift> openDrifts) {
        static final Summary NONE = new Summary(Map.of(), List.of());
    }

    private final ClickHouseHttp clickhouse;
    private final String statusDatabase;
    private volatile Summary current = Summary.NONE;
    private volatile long readAtMs;

    public ChunkCheckSummary(ClickHouseHttp clickhouse, String statusDatabase) {
        this.clickhouse = clickhouse;
        this.statusDatabase = statusDatabase;
    }

    public Summary current() {
        long now = System.currentTimeMillis();
        if (now - readAtMs >= REFRESH_MS) {
            readAtMs = now;
            try {
                current = read();
            } catch (RuntimeException e) {
                // ClickHouse unreachable: /status says so from the progress table; keep the last summary.
            }
        }
        return current;
    }

    private Summary read() {
        String table = ChunkChecksTable.qualifiedName(statusDatabase);
        if (!"1".equals(clickhouse.query("EXISTS TABLE " + table, Map.of("readonly", "1")).trim())) {
            return Summary.NONE;
        }
        Map<String, TableChecks> tables = new LinkedHashMap<>();
        for (String line : clickhouse.query("SELECT table, count(), countIf(verdict = 'drifted'), "
                + "toUnixTimestamp64Milli(max(checked_at)) FROM " + table + " WHERE checked_at > now() - INTERVAL "
                + WINDOW_HOURS + " HOUR GROUP BY table ORDER BY table FORMAT TabSeparated", Map.of("readonly", "1"))
                .lines().toList()) {
            String[] f = line.split("\t", -1);
            String name = TsvText.unescape(f[0]);
            tables.put(name, new TableChecks(name, Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3])));
        }
        List<OpenDrift> open = new ArrayList<>();
        for (String line : clickhouse.query("SELECT table, key_range, toUnixTimestamp64Milli(max(checked_at)), "
                + "argMax(mysql_rows, checked_at), argMax(clickhouse_rows, checked_at) FROM " + table + " WHERE checked_at > "
                + "now() - INTERVAL " + WINDOW_HOURS + " HOUR GROUP BY table, key_range HAVING argMax(verdict, checked_at) = "
                + "'drifted' ORDER BY table, key_range FORMAT TabSeparated", Map.of("readonly", "1")).lines().toList()) {
            String[] f = line.split("\t", -1);
            open.add(new OpenDrift(TsvText.unescape(f[0]), TsvText.unescape(f[1]), Long.parseLong(f[2]),
                    Long.parseLong(f[3]), Long.parseLong(f[4])));
        }
        return new Summary(tables, open);
    }
}
