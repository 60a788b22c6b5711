package io.tributary.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.testtools.JavalinTest;
import io.tributary.sink.clickhouse.client.ClickHouseHttp;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real app factory over real HTTP, reading a real ClickHouse: tables, auth, status, metrics, OpenAPI. */
class ApiServerIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static ClickHouseHttp clickhouse;
    @TempDir
    static Path endpoints;

    @BeforeAll
    static void createTable() {
        clickhouse = ApiFixture.createItems(3);
    }

    private static String admin() {
        return "Bearer " + ApiFixture.ADMIN_TOKEN;
    }

    @Test
    void servesCurrentRowsOnlyWithTypedKeyFilter() {
        JavalinTest.test(ApiFixture.app(clickhouse, endpoints), (server, client) -> {
            var all = client.get("/api/v1/tables/apitest/items", r -> r.header("Authorization", admin()));
            assertThat(all.code()).isEqualTo(200);
            String body = all.body().string();
            assertThat(body).contains("O'Brien v2").doesNotContain("gone").contains("\"rows\": 2");
            var one = client.get("/api/v1/tables/apitest/items?id=1", r -> r.header("Authorization", admin()));
            assertThat(one.body().string()).contains("\"item 1\"").contains("\"rows\": 1");
            var scoped = client.get("/api/v1/tables/apitest/items", r -> r.header("Authorization", "Bearer " + ApiFixture.STORE_TOKEN));
            assertThat(scoped.code()).isEqualTo(403);
            assertThat(scoped.body().string()).contains("not an admin");
        });
    }

    @Test
    void rejectsInjectionAttemptsAsBadParameters() {
        JavalinTest.test(ApiFixture.app(clickhouse, endpoints), (server, client) -> {
            for (String attack : List.of("1%20OR%201=1", "1';DROP%20TABLE%20apitest.items;--", "1%2F*%20*%2F", "%EF%BC%91")) {
                var r = client.get("/api/v1/tables/apitest/items?id=" + attack, b -> b.header("Authorization", admin()));
                assertThat(r.code()).as(attack).isEqualTo(400);
                assertThat(r.body().string()).contains("error");
            }
            var unknownColumn = client.get("/api/v1/tables/apitest/items?name=x", b -> b.header("Authorization", admin()));
            assertThat(unknownColumn.code()).isEqualTo(400);
            var unknownTable = client.get("/api/v1/tables/apitest/items%60%20--", b -> b.header("Authorization", admin()));
            assertThat(unknownTable.code()).isEqualTo(404);
            var tooMany = client.get("/api/v1/tables/apitest/items?limit=1001", b -> b.header("Authorization", admin()));
            assertThat(tooMany.code()).isEqualTo(400);
            assertThat(clickhouse.query("SELECT count() FROM apitest.items").trim()).isEqualTo("2");
        });
    }

    @Test
    void requiresAToken() {
        JavalinTest.test(ApiFixture.app(clickhouse, endpoints), (server, client) -> {
            var missing = client.get("/api/v1/tables/apitest/items");
            assertThat(missing.code()).isEqualTo(401);
            assertThat(missing.header("WWW-Authenticate")).isEqualTo("Bearer");
            assertThat(missing.body().string()).contains("Authorization: Bearer");
            assertThat(client.get("/status", r -> r.header("Authorization", "Bearer wrong")).code()).isEqualTo(401);
            assertThat(client.get("/metrics").code()).isEqualTo(401);
            assertThat(client.get("/health").code()).isEqualTo(200);
            var status = client.get("/status", r -> r.header("Authorization", admin()));
            assertThat(status.code()).isEqualTo(200);
            JsonNode s = JSON.readTree(status.body().string());
            assertThat(s.get("pipeline").asText()).isEqualTo("RUNNING");
            JsonNode items = s.get("tables").get(0);
            assertThat(items.get("table").asText()).isEqualTo("items");
            assertThat(items.get("rows").asLong()).isEqualTo(2);
            assertThat(items.get("lag_ms").asLong()).isEqualTo(120);
            // A row stored without a new batch recorded is not counted until the table's version moves on.
            clickhouse.insert(ApiFixture.ITEMS.versions(), "id, name, store_id, _version, _deleted, _source_ts", "TabSeparated",
                    "77\tlate\t1\t1\t0\t2024-01-01 00:00:00.000\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            assertThat(JSON.readTree(client.get("/status", r -> r.header("Authorization", admin())).body().string())
                    .get("tables").get(0).get("rows").asLong()).isEqualTo(2);
            ApiFixture.recordProgress(clickhouse, 3000);
            assertThat(JSON.readTree(client.get("/status", r -> r.header("Authorization", admin())).body().string())
                    .get("tables").get(0).get("rows").asLong()).isEqualTo(3);
            clickhouse.query("ALTER TABLE " + ApiFixture.ITEMS.versions() + " DELETE WHERE id = 77", Map.of("mutations_sync", "1"));
            ApiFixture.recordProgress(clickhouse, 1000);
            // A table whose view is gone (dropped a moment ago) is reported with its error; /status stays up.
            var gone = new io.tributary.sink.clickhouse.schema.TableNames("apitest", "gone");
            clickhouse.insert(io.tributary.sink.clickhouse.schema.StatusTable.qualifiedName(ApiFixture.STATUS_DB),
                    io.tributary.sink.clickhouse.schema.StatusTable.COLUMNS, "TabSeparated",
                    io.tributary.sink.clickhouse.schema.StatusTable.row(gone,
                            io.tributary.cdc.event.SourcePosition.binlog("binlog.000001", 5, 0).withEpoch(2), 1, 2, 1, 1, 1.0)
                            .getBytes(java.nio.charset.StandardCharsets.UTF_8));
            var withGone = client.get("/status", r -> r.header("Authorization", admin()));
            assertThat(withGone.code()).isEqualTo(200);
            JsonNode goneRow = JSON.readTree(withGone.body().string()).get("tables").get(0);
            assertThat(goneRow.get("table").asText()).isEqualTo("gone");
            assertThat(goneRow.get("rows").isNull()).isTrue();
            assertThat(goneRow.get("error").asText()).contains("gone");
            JsonNode binlog = JSON.readTree(client.get("/status", r -> r.header("Authorization", admin())).body().string())
                    .get("binlog");
            assertThat(binlog.get("retention_s").asLong()).isZero();
            // The newest version is the gone table's, read after two server switches: its file, not its epoch.
            assertThat(binlog.get("reading_file_index").asLong()).isEqualTo(1);
            clickhouse.query("ALTER TABLE " + io.tributary.sink.clickhouse.schema.StatusTable.qualifiedName(ApiFixture.STATUS_DB)
                    + " DELETE WHERE table = 'gone'", Map.of("mutations_sync", "1"));
            var unknownRoute = client.get("/nothing-here");
            assertThat(unknownRoute.code()).isEqualTo(404);
            assertThat(unknownRoute.body().string()).contains("\"error\"");
        });
    }

    @Test
    void metricsArePrometheusText() {
        JavalinTest.test(ApiFixture.app(clickhouse, endpoints), (server, client) -> {
            client.get("/health");
            client.get("/api/v1/tables/apitest/items", r -> r.header("Authorization", admin()));
            var metrics = client.get("/metrics", r -> r.header("Authorization", admin()));
            assertThat(metrics.code()).isEqualTo(200);
            assertThat(metrics.header("Content-Type")).startsWith("text/plain");
            String text = metrics.body().string();
            assertThat(text).contains("tributary_api_requests_total{route=\"/health\",status=\"200\"} 1.0")
                    .contains("tributary_api_request_duration_seconds_count{route=\"/health\"} 1")
                    .contains("tributary_api_request_duration_seconds_bucket{route=\"/health\",le=\"0.001\"}")
                    .contains("tributary_api_requests_total{route=\"/api/v1/tables/{database}/{table}\",status=\"200\"} 1.0")
                    .contains("tributary_pipeline_lag_milliseconds{database=\"apitest\",table=\"items\"} 120.0")
                    .contains("tributary_pipeline_events_per_second{database=\"apitest\",table=\"items\"} 42.5")
                    .contains("tributary_sink_last_batch_rows{database=\"apitest\",table=\"items\"} 10.0")
                    .contains("tributary_pipeline_status_readable 1.0");
        });
    }

    @Test
    void unreachableClickHouseAnswers503() {
        ClickHouseHttp down = new ClickHouseHttp("http://127.0.0.1:" + io.tributary.localservers.FreePorts.find(), "default", "",
                Duration.ofSeconds(5));
        JavalinTest.test(ApiServer.create(ApiFixture.settings(endpoints, List.of(), Duration.ofSeconds(5)), down, () -> "RUNNING"),
                (server, client) -> {
                    var r = client.get("/api/v1/tables/apitest/items", b -> b.header("Authorization", admin()));
                    assertThat(r.code()).isEqualTo(503);
                    assertThat(r.header("Retry-After")).isEqualTo("5");
                    assertThat(r.body().string()).contains("ClickHouse is unavailable");
                    var metrics = client.get("/metrics", b -> b.header("Authorization", admin()));
                    assertThat(metrics.body().string()).contains("tributary_pipeline_status_readable 0.0");
                });
    }
}
