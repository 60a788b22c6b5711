package io.tributary.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.testtools.HttpClient;
import io.javalin.testtools.JavalinTest;
import io.tributary.api.auth.ApiClient;
import io.tributary.api.auth.ApiClients;
import io.tributary.sink.clickhouse.client.ClickHouseHttp;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import okhttp3.MediaType;
import okhttp3.RequestBody;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SQL-file endpoints over real HTTP against a real ClickHouse. */
class EndpointApiIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int ROWS = 5000;
    private static ClickHouseHttp clickhouse;
    @TempDir
    Path endpoints;

    @BeforeAll
    static void createTable() {
        clickhouse = ApiFixture.createItems(ROWS);
    }

    @BeforeEach
    void writeEndpoints() throws IOException {
        Files.writeString(endpoints.resolve("items_by_store.sql"), """
                -- description: Items of one store, by id.
                -- param store_id: UInt8, required, min 1, max 2, "Store"
                -- param name_prefix: String, optional, "Start of the name"
                SELECT id, name, store_id FROM apitest.items
                WHERE store_id = {store_id:UInt8}
                  AND ({name_prefix:Nullable(String)} IS NULL OR startsWith(name, {name_prefix:Nullable(String)}))
                ORDER BY id
                """);
        Files.writeString(endpoints.resolve("items_count.sql"), """
                -- description: Items per store (cached).
                -- cache: 60s
                -- param store_id: UInt8, required
                SELECT store_id, count() AS items FROM apitest.items WHERE store_id = {store_id:UInt8} GROUP BY store_id
                """);
        Files.writeString(endpoints.resolve("item_by_name.sql"), """
                -- param name: String, required
                SELECT id, name FROM apitest.items WHERE name = {name:String}
                """);
        Files.writeString(endpoints.resolve("slow.sql"), """
                -- param n: UInt64, default 100000000000
                SELECT sum(cityHash64(number)) AS s FROM numbers({n:UInt64})
                """);
    }

    private static String admin() {
        return "Bearer " + ApiFixture.ADMIN_TOKEN;
    }

    private static okhttp3.Response get(HttpClient client, String path, String token) {
        return client.get(path, r -> r.header("Authorization", token));
    }

    private static JsonNode json(okhttp3.Response r) throws IOException {
        return JSON.readTree(r.body().string());
    }

    @Test
    void answersJsonWithDataMetaStatisticsAndFreshness() {
        JavalinTest.test(ApiFixture.app(clickhouse, endpoints), (server, client) -> {
            var r = get(client, "/api/v1/endpoints/items_by_store?store_id=2&limit=3&offset=1", admin());
            assertThat(r.code()).isEqualTo(200);
            assertThat(r.header("Content-Type")).startsWith("application/json");
            assertThat(r.header("X-Tributary-Source-Position")).isEqualTo("binlog.000001:1000 row 0");
            JsonNode body = json(r);
            assertThat(body.get("rows").asInt()).isEqualTo(3);
            assertThat(body.get("data").get(0).get("id").asInt()).isEqualTo(4);
            assertThat(body.get("data").get(0).get("store_id").isNumber()).isTrue();
            assertThat(body.get("meta").get(1).get("name").asText()).isEqualTo("name");
            assertThat(body.get("meta").get(1).get("type").asText()).isEqualTo("Nullable(String)");
            assertThat(body.get("statistics").get("rows_read").asLong()).isPositive();
            assertThat(body.get("freshness").get("position").asText()).isEqualTo("binlog.000001:1000 row 0");
            assertThat(body.get("freshness").get("lag_ms").asLong()).isEqualTo(120);
            var updated = get(client, "/api/v1/endpoints/items_by_store?store_id=2&limit=1", admin());
            assertThat(json(updated).get("data").get(0).get("name").asText()).isEqualTo("O'Brien v2");
        });
    }

    @Test
    void answersCsvAndNdjsonAndStreamsLargeResults() {
        JavalinTest.test(ApiFixture.app(clickhouse, endpoints), (server, client) -> {
            var csv = get(client, "/api/v1/endpoints/items_by_store?store_id=1&limit=2&format=csv", admin());
            assertThat(csv.header("Content-Type")).startsWith("text/csv");
            assertThat(csv.body().string()).isEqualTo("\"id\",\"name\",\"store_id\"\n1,\"item 1\",1\n5,\"item 5\",1\n");
            var nd = client.get("/api/v1/endpoints/items_by_store?store_id=1&limit=2",
                    b -> b.header("Authorization", admin()).header("Accept", "application/x-ndjson"));
            assertThat(nd.body().string()).isEqualTo("{\"id\":1,\"name\":\"item 1\",\"store_id\":1}\n"
                    + "{\"id\":5,\"name\":\"item 5\",\"store_id\":1}\n");
            var all = client.get("/api/v1/endpoints/items_by_store?store_id=2&format=ndjson",
                    b -> b.header("Authorization", admin()).header("Accept-Encoding", "identity"));
            assertThat(all.header("Transfer-Encoding")).isEqualTo("chunked");
            assertThat(all.body().string().lines().count()).isEqualTo(1000);
            var bad = get(client, "/api/v1/endpoints/items_by_store?store_id=2&format=xml", admin());
            assertThat(bad.code()).isEqualTo(400);
        });
    }

    @Test
    void parameterMistakesAre400WithActionableMessages() {
        JavalinTest.test(ApiFixture.app(clickhouse, endpoints), (server, client) -> {
            Map<String, String> cases = Map.of(
                    "/api/v1/endpoints/items_by_store", "missing required parameter 'store_id': UInt8 from 1 to 2 - Store",
                    "/api/v1/endpoints/items_by_store?store_id=abc", "parameter 'store_id' = 'abc' is not a whole number",
                    "/api/v1/endpoints/items_by_store?store_id=3", "is above the maximum 2",
                    "/api/v1/endpoints/items_by_store?store_id=1&shop=2", "unknown parameter 'shop'",
                    "/api/v1/endpoints/items_by_store?store_id=1&limit=5000", "limit must be between 1 and 1000");
            for (var c : cases.entrySet()) {
                var r = get(client, c.getKey(), admin());
                assertThat(r.code()).as(c.getKey()).isEqualTo(400);
                assertThat(json(r).get("error").asText()).as(c.getKey()).contains(c.getValue());
            }
            var unknown = get(client, "/api/v1/endpoints/nope", admin());
            assertThat(unknown.code()).isEqualTo(404);
            assertThat(json(unknown).get("error").asText()).contains("no endpoint 'nope'");
        });
    }

    @Test
    void injectionAttemptsAreValuesNeverSql() {
        JavalinTest.test(ApiFixture.app(clickhouse, endpoints), (server, client) -> {
            for (String attack : List.of("x' OR '1'='1", "x'; DROP TABLE apitest.items; --", "x\\' OR 1=1 --",
                    "*/ OR 1=1 /*", "item 1' UNION SELECT 1, name FROM system.users --", "O\u2019Brien",
                    "\uD83D\uDE00'", "{name:String}", "1; SELECT 2")) {
                var r = get(client, "/api/v1/endpoints/item_by_name?name=" + URLEncoder.encode(attack, StandardCharsets.UTF_8),
                        admin());
                assertThat(r.code()).as(attack).isEqualTo(200);
                assertThat(json(r).get("rows").asInt()).as(attack).isZero();
            }
            var exact = get(client, "/api/v1/endpoints/item_by_name?name=" + URLEncoder.encode("O'Brien v2",
                    StandardCharsets.UTF_8), admin());
            assertThat(json(exact).get("data").get(0).get("id").asInt()).isEqualTo(2);
            for (String attack : List.of("1 OR 1=1", "1;DROP TABLE apitest.items", "1/**/", "\uFF11", "0x01", "1e0")) {
                var r = get(client, "/api/v1/endpoints/items_by_store?store_id=" + URLEncoder.encode(attack,
                        StandardCharsets.UTF_8), admin());
                assertThat(r.code()).as(attack).isEqualTo(400);
            }
            assertThat(clickhouse.query("SELECT count() FROM apitest.items").trim()).isEqualTo(Integer.toString(ROWS - 1));
        });
    }

    @Test
    void scopedTokensSeeOnlyTheirEndpointsAndTheirTenant() {
        JavalinTest.test(ApiFixture.app(clickhouse, endpoints), (server, client) -> {
            String store = "Bearer " + ApiFixture.STORE_TOKEN;
            var own = get(client, "/api/v1/endpoints/items_by_store?limit=2", store);
            assertThat(own.code()).isEqualTo(200);
            json(own).get("data").forEach(row -> assertThat(row.get("store_id").asInt()).isEqualTo(1));
            var other = get(client, "/api/v1/endpoints/items_by_store?store_id=2", store);
            assertThat(other.code()).isEqualTo(403);
            assertThat(json(other).get("error").asText()).contains("may only use store_id=1");
            var notListed = get(client, "/api/v1/endpoints/slow", store);
            assertThat(notListed.code()).isEqualTo(403);
            var sql = client.post("/api/v1/sql", "SELECT 1", b -> b.header("Authorization", store));
            assertThat(sql.code()).isEqualTo(403);
            var list = json(get(client, "/api/v1/endpoints", store));
            // items_by_store and items_count take store_id; endpoints without it are closed to a store-bound token.
            assertThat(list.get("endpoints").findValuesAsText("name")).containsExactly("items_by_store", "items_count");
            Files.writeString(endpoints.resolve("items_all.sql"), "SELECT count() AS n FROM apitest.items\n");
            var unfiltered = get(client, "/api/v1/endpoints/items_all", store);
            assertThat(unfiltered.code()).isEqualTo(403);
            assertThat(json(unfiltered).get("error").asText()).contains("restricted to store_id=1");
            assertThat(json(get(client, "/api/v1/endpoints", store)).get("endpoints").findValuesAsText("name"))
                    .doesNotContain("items_all");
            assertThat(list.has("invalid_files")).isFalse();
        });
    }

    @Test
    void rateLimitAnswers429WithRetryAfter() {
        ApiClient limited = new ApiClient("limited", ApiClients.sha256("limited-token"), false, List.of("*"), Map.of(), 2);
        var app = ApiServer.create(ApiFixture.settings(endpoints, List.of(limited), Duration.ofSeconds(10)), clickhouse,
                () -> "RUNNING");
        JavalinTest.test(app, (server, client) -> {
            int ok = 0;
            okhttp3.Response refused = null;
            for (int i = 0; i < 5; i++) {
                var r = get(client, "/api/v1/endpoints/items_count?store_id=1", "Bearer limited-token");
                if (r.code() == 200) {
                    ok++;
                } else {
                    refused = r;
                }
            }
            assertThat(ok).isEqualTo(2);
            assertThat(refused.code()).isEqualTo(429);
            assertThat(refused.header("Retry-After")).isEqualTo("1");
            assertThat(json(refused).get("error").asText()).contains("rate limit of 2.0 requests/s");
            assertThat(get(client, "/api/v1/endpoints/items_count?store_id=1", admin()).code()).isEqualTo(200);
            Thread.sleep(1100);
            assertThat(get(client, "/api/v1/endpoints/items_count?store_id=1", "Bearer limited-token").code()).isEqualTo(200);
        });
    }

    @Test
    void cachedAnswersHaveETagsAndFollowTheData() {
        JavalinTest.test(ApiFixture.app(clickhouse, endpoints), (server, client) -> {
            String path = "/api/v1/endpoints/items_count?store_id=2";
            var first = get(client, path, admin());
            String etag = first.header("ETag");
            assertThat(etag).startsWith("\"");
            assertThat(first.header("Cache-Control")).isEqualTo("private, max-age=60");
            long before = json(first).get("data").get(0).get("items").asLong();
            var notModified = client.get(path, b -> b.header("Authorization", admin()).header("If-None-Match", etag));
            assertThat(notModified.code()).isEqualTo(304);
            // The pipeline applies a batch (a new item in store 2) and records its progress: the cache must not hide it.
            clickhouse.insert(ApiFixture.ITEMS.versions(), "id, name, store_id, _version, _deleted, _source_ts", "TabSeparated",
                    "900000\tnew\t2\t5\t0\t2024-01-01 00:00:00.000\n".getBytes(StandardCharsets.UTF_8));
            var stale = get(client, path, admin());
            assertThat(json(stale).get("data").get(0).get("items").asLong()).as("served from cache until data advances")
                    .isEqualTo(before);
            ApiFixture.recordProgress(clickhouse, 2000);
            long deadline = System.currentTimeMillis() + 5000;
            JsonNode fresh;
            do {
                Thread.sleep(100);
                fresh = json(get(client, path, admin()));
            } while (fresh.get("data").get(0).get("items").asLong() == before && System.currentTimeMillis() < deadline);
            assertThat(fresh.get("data").get(0).get("items").asLong()).isEqualTo(before + 1);
            assertThat(fresh.get("freshness").get("position").asText()).isEqualTo("binlog.000001:2000 row 0");
            var changed = client.get(path, b -> b.header("Authorization", admin()).header("If-None-Match", etag));
            assertThat(changed.code()).isEqualTo(200);
            clickhouse.query("ALTER TABLE " + ApiFixture.ITEMS.versions() + " DELETE WHERE id = 900000",
                    Map.of("mutations_sync", "1"));
            ApiFixture.recordProgress(clickhouse, 1000);
        });
    }

    @Test
    void concurrentMissesOfACachedAnswerRunOneQuery() throws IOException {
        Files.writeString(endpoints.resolve("items_stampede.sql"), """
                -- cache: 60s
                -- param tag: String, required
                SELECT {tag:String} AS tag, count() AS items, sleepEachRow(0.5) AS pause FROM apitest.items LIMIT 1
                """);
        String tag = "stampede-" + System.nanoTime();
        JavalinTest.test(ApiFixture.app(clickhouse, endpoints), (server, client) -> {
            var pool = java.util.concurrent.Executors.newFixedThreadPool(12);
            List<java.util.concurrent.Future<Integer>> calls = new java.util.ArrayList<>();
            for (int i = 0; i < 12; i++) {
                calls.add(pool.submit(() -> get(client, "/api/v1/endpoints/items_stampede?tag=" + tag, admin()).code()));
            }
            for (var call : calls) {
                assertThat(call.get()).isEqualTo(200);
            }
            pool.shutdown();
            // Only the first request asked ClickHouse; the other 11 were answered with its result.
            String metrics = get(client, "/metrics", admin()).body().string();
            assertThat(metrics).contains("tributary_api_cache_hits_total{endpoint=\"items_stampede\"} 11.0");
        });
    }

    @Test
    void endpointFilesReloadWithoutRestart() {
        JavalinTest.test(ApiFixture.app(clickhouse, endpoints), (server, client) -> {
            Files.writeString(endpoints.resolve("fresh_one.sql"), "SELECT 41 + 1 AS answer\n");
            var added = get(client, "/api/v1/endpoints/fresh_one", admin());
            assertThat(added.code()).as("a new file is served at once").isEqualTo(200);
            assertThat(json(added).get("data").get(0).get("answer").asInt()).isEqualTo(42);
            Files.writeString(endpoints.resolve("fresh_one.sql"), "-- param x: UInt8, required\nSELECT {x:UInt8} AS answer\n");
            awaitCode(client, "/api/v1/endpoints/fresh_one", 400);
            assertThat(json(get(client, "/api/v1/endpoints/fresh_one?x=7", admin())).get("data").get(0).get("answer").asInt())
                    .isEqualTo(7);
            Files.writeString(endpoints.resolve("fresh_one.sql"), "SELECT {y:UInt8}\n");
            awaitCode(client, "/api/v1/endpoints/fresh_one?x=7", 404);
            var broken = get(client, "/api/v1/endpoints/fresh_one", admin());
            assertThat(json(broken).get("error").asText()).contains("its file is invalid").contains("no parameter 'y'");
            assertThat(json(get(client, "/api/v1/endpoints", admin())).get("invalid_files").get("fresh_one.sql").asText())
                    .contains("no parameter 'y'");
            assertThat(get(client, "/api/v1/endpoints/items_count?store_id=1", admin()).code()).isEqualTo(200);
            Files.delete(endpoints.resolve("fresh_one.sql"));
            awaitCode(client, "/api/v1/endpoints/fresh_one", 404);
        });
    }

    private static void awaitCode(HttpClient client, String path, int code) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 5000;
        while (get(client, path, admin()).code() != code && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
        }
        assertThat(get(client, path, admin()).code()).as(path).isEqualTo(code);
    }

    @Test
    void slowQueriesAnswer504() {
        var app = ApiServer.create(ApiFixture.settings(endpoints, List.of(), Duration.ofSeconds(1)), clickhouse, () -> "RUNNING");
        JavalinTest.test(app, (server, client) -> {
            var r = get(client, "/api/v1/endpoints/slow", admin());
            assertThat(r.code()).isEqualTo(504);
            assertThat(json(r).get("error").asText()).contains("time limit");
        });
    }

    @Test
    void adHocSqlIsAdminOnlyAndReadOnly() {
        JavalinTest.test(ApiFixture.app(clickhouse, endpoints), (server, client) -> {
            var ok = client.post("/api/v1/sql", "SELECT count() AS n FROM apitest.items", b -> b.header("Authorization", admin()));
            assertThat(ok.code()).isEqualTo(200);
            assertThat(json(ok).get("data").get(0).get("n").asLong()).isEqualTo(ROWS - 1);
            var write = client.post("/api/v1/sql", "INSERT INTO apitest.items__versions (id) VALUES (1)",
                    b -> b.header("Authorization", admin()));
            assertThat(write.code()).isEqualTo(403);
            var drop = client.post("/api/v1/sql", "DROP TABLE apitest.items", b -> b.header("Authorization", admin()));
            assertThat(drop.code()).isEqualTo(403);
            var settings = client.post("/api/v1/sql", "SELECT 1 SETTINGS readonly = 0", b -> b.header("Authorization", admin()));
            assertThat(settings.code()).isEqualTo(403);
            var tableFunction = client.post("/api/v1/sql", "SELECT * FROM url('http://127.0.0.1:1/', TSV)",
                    b -> b.header("Authorization", admin()));
            assertThat(tableFunction.code()).isEqualTo(403);
            var multi = client.post("/api/v1/sql", "SELECT 1; DROP TABLE apitest.items", b -> b.header("Authorization", admin()));
            assertThat(multi.code()).isEqualTo(400);
            var syntax = client.post("/api/v1/sql", "SELEC 1", b -> b.header("Authorization", admin()));
            assertThat(syntax.code()).isEqualTo(400);
            assertThat(json(syntax).get("error").asText()).contains("Syntax error");
            var tooMany = client.post("/api/v1/sql", "SELECT number FROM numbers(5000)", b -> b.header("Authorization", admin()));
            assertThat(tooMany.code()).isEqualTo(400);
            var csv = client.request("/api/v1/sql?format=csv", b -> b.header("Authorization", admin())
                    .post(RequestBody.create("SELECT 1 AS one", MediaType.get("text/plain"))));
            assertThat(csv.body().string()).isEqualTo("\"one\"\n1\n");
            assertThat(clickhouse.query("SELECT count() FROM apitest.items").trim()).isEqualTo(Integer.toString(ROWS - 1));
        });
    }

    @Test
    void openApiDescribesEveryEndpointAndTheDocsPageLoads() {
        JavalinTest.test(ApiFixture.app(clickhouse, endpoints), (server, client) -> {
            JsonNode doc = json(client.get("/openapi.json"));
            assertThat(doc.get("openapi").asText()).startsWith("3.");
            JsonNode op = doc.get("paths").get("/api/v1/endpoints/items_by_store").get("get");
            assertThat(op.get("summary").asText()).isEqualTo("Items of one store, by id.");
            JsonNode store = op.get("parameters").get(0);
            assertThat(store.get("name").asText()).isEqualTo("store_id");
            assertThat(store.get("required").asBoolean()).isTrue();
            assertThat(store.get("schema").get("type").asText()).isEqualTo("integer");
            assertThat(store.get("schema").get("maximum").asInt()).isEqualTo(2);
            assertThat(op.get("responses").has("429")).isTrue();
            assertThat(doc.get("paths").has("/api/v1/endpoints/items_count")).isTrue();
            var docs = client.get("/docs");
            String html = docs.body().string();
            assertThat(html).contains("swagger-ui-bundle.js");
            String bundle = html.replaceAll("(?s).*src=\"([^\"]+swagger-ui-bundle.js)\".*", "$1");
            assertThat(client.get(bundle).code()).isEqualTo(200);
        });
    }
}
