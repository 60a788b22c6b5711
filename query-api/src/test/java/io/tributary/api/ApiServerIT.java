package io.tributary.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.javalin.testtools.JavalinTest;
import io.tributary.cdc.event.ColumnSchema;
import io.tributary.cdc.event.TableSchema;
import io.tributary.localservers.ClickHouseServer;
import io.tributary.localservers.SharedServers;
import io.tributary.sink.clickhouse.client.ClickHouseHttp;
import io.tributary.sink.clickhouse.schema.StatusTable;
import io.tributary.sink.clickhouse.schema.TableDdl;
import io.tributary.sink.clickhouse.schema.TableNames;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The real app factory over real HTTP, reading a real ClickHouse. */
class ApiServerIT {
    private static final String TOKEN = "it-token";
    private static ClickHouseHttp clickhouse;

    @BeforeAll
    static void createTable() {
        ClickHouseServer server = SharedServers.clickhouse();
        clickhouse = new ClickHouseHttp(server.httpUrl(), server.user(), server.password(), Duration.ofSeconds(30));
        TableSchema schema = new TableSchema(List.of(new ColumnSchema("id", "INT", -1, -1, false, true),
                new ColumnSchema("name", "VARCHAR", 20, -1, true, false)));
        TableNames names = new TableNames("apitest", "items");
        clickhouse.query(TableDdl.createDatabase("apitest"));
        clickhouse.query(TableDdl.createVersionsTable(names, "apitest.items", schema));
        clickhouse.query(TableDdl.createView(names, schema));
        clickhouse.insert(names.versions(), "id, name, _version, _deleted, _source_ts", "TabSeparated",
                ("1\tone\t1\t0\t2024-01-01 00:00:00.000\n2\tO'Brien\t1\t0\t2024-01-01 00:00:00.000\n2\tO'Brien v2\t2\t0\t2024-01-01 00:00:00.000\n3\tgone\t1\t0\t2024-01-01 00:00:00.000\n3\tgone\t2\t1\t2024-01-01 00:00:00.000\n")
                        .getBytes(StandardCharsets.UTF_8));
        clickhouse.query(TableDdl.createDatabase("tributary_it"));
        clickhouse.query(StatusTable.create("tributary_it"));
    }

    private static io.javalin.Javalin app() {
        return ApiServer.create(new ApiSettings("127.0.0.1", 0, List.of(TOKEN), 2, "tributary_it"), clickhouse, () -> "RUNNING");
    }

    @Test
    void servesCurrentRowsOnlyWithTypedKeyFilter() {
        JavalinTest.test(app(), (server, client) -> {
            var all = client.get("/api/v1/tables/apitest/items", r -> r.header("Authorization", "Bearer " + TOKEN));
            assertThat(all.code()).isEqualTo(200);
            String body = all.body().string();
            assertThat(body).contains("O'Brien v2").doesNotContain("gone").contains("\"rows\": 2");
            var one = client.get("/api/v1/tables/apitest/items?id=1", r -> r.header("Authorization", "Bearer " + TOKEN));
            assertThat(one.body().string()).contains("\"one\"").contains("\"rows\": 1");
        });
    }

    @Test
    void rejectsInjectionAttemptsAsBadParameters() {
        JavalinTest.test(app(), (server, client) -> {
            for (String attack : List.of("1%20OR%201=1", "1';DROP%20TABLE%20apitest.items;--", "1%2F*%20*%2F", "%EF%BC%91")) {
                var r = client.get("/api/v1/tables/apitest/items?id=" + attack, b -> b.header("Authorization", "Bearer " + TOKEN));
                assertThat(r.code()).as(attack).isEqualTo(400);
                assertThat(r.body().string()).contains("error");
            }
            var unknownColumn = client.get("/api/v1/tables/apitest/items?name=x", b -> b.header("Authorization", "Bearer " + TOKEN));
            assertThat(unknownColumn.code()).isEqualTo(400);
            var unknownTable = client.get("/api/v1/tables/apitest/items%60%20--", b -> b.header("Authorization", "Bearer " + TOKEN));
            assertThat(unknownTable.code()).isEqualTo(404);
            var tooMany = client.get("/api/v1/tables/apitest/items?limit=3", b -> b.header("Authorization", "Bearer " + TOKEN));
            assertThat(tooMany.code()).isEqualTo(400);
            assertThat(clickhouse.query("SELECT count() FROM apitest.items").trim()).isEqualTo("2");
        });
    }

    @Test
    void requiresAToken() {
        JavalinTest.test(app(), (server, client) -> {
            assertThat(client.get("/api/v1/tables/apitest/items").code()).isEqualTo(401);
            assertThat(client.get("/status", r -> r.header("Authorization", "Bearer wrong")).code()).isEqualTo(401);
            assertThat(client.get("/health").code()).isEqualTo(200);
            var status = client.get("/status", r -> r.header("Authorization", "Bearer " + TOKEN));
            assertThat(status.code()).isEqualTo(200);
            assertThat(status.body().string()).contains("\"pipeline\":\"RUNNING\"");
        });
    }
}
