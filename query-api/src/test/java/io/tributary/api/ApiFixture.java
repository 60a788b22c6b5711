package io.tributary.api;

import io.javalin.Javalin;
import io.tributary.api.auth.ApiClient;
import io.tributary.api.auth.ApiClients;
import io.tributary.cdc.event.ColumnSchema;
import io.tributary.cdc.event.SourcePosition;
import io.tributary.cdc.event.TableSchema;
import io.tributary.localservers.ClickHouseServer;
import io.tributary.localservers.SharedServers;
import io.tributary.sink.clickhouse.client.ClickHouseHttp;
import io.tributary.sink.clickhouse.schema.StatusTable;
import io.tributary.sink.clickhouse.schema.TableDdl;
import io.tributary.sink.clickhouse.schema.TableNames;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A real ClickHouse with a small captured table ({@code apitest.items}) and a status table, for API tests. */
final class ApiFixture {
    static final String ADMIN_TOKEN = "admin-token";
    static final String STORE_TOKEN = "store-1-token";
    static final String STATUS_DB = "tributary_api_it";
    static final TableNames ITEMS = new TableNames("apitest", "items");

    private ApiFixture() {}

    static ClickHouseHttp clickhouse() {
        ClickHouseServer server = SharedServers.clickhouse();
        return new ClickHouseHttp(server.httpUrl(), server.user(), server.password(), Duration.ofSeconds(30));
    }

    /** Creates apitest.items with ids 1..n (store 1 for odd ids, 2 for even), one updated and one deleted row. */
    static ClickHouseHttp createItems(int n) {
        ClickHouseHttp clickhouse = clickhouse();
        TableSchema schema = new TableSchema(List.of(new ColumnSchema("id", "INT", -1, -1, false, true),
                new ColumnSchema("name", "VARCHAR", 40, -1, true, false),
                new ColumnSchema("store_id", "TINYINT UNSIGNED", -1, -1, false, false)));
        clickhouse.query("DROP DATABASE IF EXISTS apitest");
        clickhouse.query(TableDdl.createDatabase("apitest"));
        clickhouse.query(TableDdl.createVersionsTable(ITEMS, "apitest.items", schema));
        clickhouse.query(TableDdl.createDatabase(STATUS_DB));
        clickhouse.query(io.tributary.sink.clickhouse.schema.TruncationsTable.create(STATUS_DB));
        clickhouse.query(TableDdl.createView(ITEMS, schema, STATUS_DB));
        StringBuilder rows = new StringBuilder();
        for (int i = 1; i <= n; i++) {
            rows.append(i).append('\t').append(i == 2 ? "O'Brien" : "item " + i).append('\t').append(i % 2 == 1 ? 1 : 2)
                    .append("\t1\t0\t2024-01-01 00:00:00.000\n");
        }
        rows.append("2\tO'Brien v2\t2\t2\t0\t2024-01-01 00:00:00.000\n");
        rows.append("3\tgone\t1\t2\t1\t2024-01-01 00:00:00.000\n");
        clickhouse.insert(ITEMS.versions(), "id, name, store_id, _version, _deleted, _source_ts", "TabSeparated",
                rows.toString().getBytes(StandardCharsets.UTF_8));
        clickhouse.query(TableDdl.createDatabase(STATUS_DB));
        clickhouse.query(StatusTable.create(STATUS_DB));
        clickhouse.query("TRUNCATE TABLE " + StatusTable.qualifiedName(STATUS_DB));
        recordProgress(clickhouse, 1000);
        return clickhouse;
    }

    /** What the sink writes after a batch: apitest.items applied up to binlog position {@code pos}. */
    static void recordProgress(ClickHouseHttp clickhouse, long pos) {
        long now = System.currentTimeMillis();
        clickhouse.insert(StatusTable.qualifiedName(STATUS_DB), StatusTable.COLUMNS, "TabSeparated",
                StatusTable.row(ITEMS, SourcePosition.binlog("binlog.000001", pos, 0), now - 120, now, 10, 3, 42.5)
                        .getBytes(StandardCharsets.UTF_8));
    }

    static ApiSettings settings(Path endpoints, List<ApiClient> extra, Duration timeout) {
        List<ApiClient> clients = new ArrayList<>(ApiClients.admins(List.of(ADMIN_TOKEN), 1000));
        clients.add(new ApiClient("store-1", ApiClients.sha256(STORE_TOKEN), false, List.of("items_*"),
                Map.of("store_id", "1"), 1000));
        clients.addAll(extra);
        return new ApiSettings("127.0.0.1", 0, new ApiClients(clients), 1000, STATUS_DB, endpoints, timeout, 100);
    }

    static Javalin app(ClickHouseHttp clickhouse, Path endpoints) {
        return ApiServer.create(settings(endpoints, List.of(), Duration.ofSeconds(10)), clickhouse, () -> "RUNNING");
    }
}
