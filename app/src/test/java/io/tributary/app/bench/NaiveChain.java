package io.tributary.app.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.debezium.engine.ChangeEvent;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.format.Json;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;

/**
 * The naive baseline the benchmark compares with (not part of the product): embedded Debezium
 * with its JSON format, each change parsed with Jackson, spread over worker threads by primary key,
 * and inserted into a ReplacingMergeTree as JSONEachRow batches (version = binlog position). What
 * a team would glue together first; no deduplication state, no checkpoints tied to ClickHouse.
 * Runs as its own process: {@code NaiveChain CLICKHOUSE_URL MYSQL_HOST MYSQL_PORT USER PASSWORD STATE_DIR}.
 */
public final class NaiveChain {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int WORKERS = 2;
    private static final int BATCH = 10_000;

    public static void main(String[] args) throws Exception {
        String clickhouse = args[0];
        Path state = Path.of(args[5]);
        java.nio.file.Files.createDirectories(state);
        HttpClient http = HttpClient.newHttpClient();
        query(http, clickhouse, "CREATE DATABASE IF NOT EXISTS bench_naive");
        query(http, clickhouse, "CREATE TABLE IF NOT EXISTS bench_naive.events (id Int64, account Int32, amount Decimal(12,2), "
                + "note Nullable(String), created Int64, _version UInt64, _deleted UInt8) "
                + "ENGINE = ReplacingMergeTree(_version, _deleted) ORDER BY id");
        List<BlockingQueue<ObjectNode>> queues = new ArrayList<>();
        CountDownLatch done = new CountDownLatch(1);
        for (int w = 0; w < WORKERS; w++) {
            BlockingQueue<ObjectNode> queue = new ArrayBlockingQueue<>(50_000);
            queues.add(queue);
            Thread worker = new Thread(() -> insertLoop(http, clickhouse, queue), "naive-insert-" + w);
            worker.setDaemon(true);
            worker.start();
        }
        Properties p = new Properties();
        p.setProperty("name", "naive");
        p.setProperty("connector.class", "io.debezium.connector.mysql.MySqlConnector");
        p.setProperty("topic.prefix", "naive");
        p.setProperty("offset.storage", "org.apache.kafka.connect.storage.FileOffsetBackingStore");
        p.setProperty("offset.storage.file.filename", state.resolve("offsets.dat").toString());
        p.setProperty("offset.flush.interval.ms", "1000");
        p.setProperty("schema.history.internal", "io.debezium.storage.file.history.FileSchemaHistory");
        p.setProperty("schema.history.internal.file.filename", state.resolve("history.dat").toString());
        p.setProperty("database.hostname", args[1]);
        p.setProperty("database.port", args[2]);
        p.setProperty("database.user", args[3]);
        p.setProperty("database.password", args[4]);
        p.setProperty("database.server.id", "6601");
        p.setProperty("table.include.list", "bench\\.events");
        p.setProperty("snapshot.mode", "initial");
        p.setProperty("decimal.handling.mode", "string");
        p.setProperty("time.precision.mode", "connect");
        p.setProperty("key.converter.schemas.enable", "false");
        p.setProperty("value.converter.schemas.enable", "false");
        try (DebeziumEngine<ChangeEvent<String, String>> engine = DebeziumEngine.create(Json.class).using(p)
                .notifying(record -> route(record, queues))
                .using((success, message, error) -> done.countDown())
                .build()) {
            Thread runner = new Thread(engine, "naive-debezium");
            runner.start();
            done.await();
        }
    }

    private static void route(ChangeEvent<String, String> record, List<BlockingQueue<ObjectNode>> queues) {
        if (record.value() == null) {
            return;
        }
        try {
            JsonNode change = JSON.readTree(record.value());
            String op = change.path("op").asText();
            if (op.isEmpty()) {
                return;
            }
            boolean delete = "d".equals(op);
            JsonNode image = delete ? change.get("before") : change.get("after");
            JsonNode source = change.get("source");
            long version = (Long.parseLong(source.path("file").asText().replaceAll("\\D", "")) << 40)
                    | (source.path("pos").asLong() << 8) | Math.min(255, source.path("row").asLong());
            ObjectNode row = image.deepCopy();
            row.put("_version", version);
            row.put("_deleted", delete ? 1 : 0);
            queues.get(Math.floorMod(row.path("id").asLong(), queues.size())).put(row);
        } catch (Exception e) {
            throw new IllegalStateException("cannot route " + record.value(), e);
        }
    }

    private static void insertLoop(HttpClient http, String clickhouse, BlockingQueue<ObjectNode> queue) {
        List<ObjectNode> batch = new ArrayList<>(BATCH);
        try {
            while (true) {
                batch.add(queue.take());
                queue.drainTo(batch, BATCH - 1);
                ByteArrayOutputStream body = new ByteArrayOutputStream();
                for (ObjectNode row : batch) {
                    JSON.writeValue(body, row);
                    body.write('\n');
                }
                insert(http, clickhouse, body.toByteArray());
                batch.clear();
            }
        } catch (Exception e) {
            e.printStackTrace();
            System.exit(3);
        }
    }

    private static void insert(HttpClient http, String clickhouse, byte[] rows) throws Exception {
        String q = URLEncoder.encode("INSERT INTO bench_naive.events FORMAT JSONEachRow", StandardCharsets.UTF_8);
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(clickhouse + "/?query=" + q))
                .POST(HttpRequest.BodyPublishers.ofByteArray(rows)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException(r.body());
        }
    }

    private static void query(HttpClient http, String clickhouse, String sql) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(clickhouse + "/"))
                .POST(HttpRequest.BodyPublishers.ofString(sql)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException(r.body());
        }
    }
}
