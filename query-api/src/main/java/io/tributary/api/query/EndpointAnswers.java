package io.tributary.api.query;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.sink.clickhouse.client.ClickHouseHttp;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs bound endpoint queries. Answers stream from ClickHouse to the client; JSON answers get a
 * {@code freshness} member in front. Endpoints with a cache time are read up to
 * {@code maxCachedBytes}: a complete answer within that size is cached with a strong ETag, a
 * larger one streams on uncached.
 */
public final class EndpointAnswers {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** An answer: {@code body} is read once; {@code etag} is null when the answer is not cached. */
    public record Answer(InputStream body, String contentType, String etag, Freshness freshness, boolean fromCache) {}

    /** What the answer reflects: the newest change applied before the query ran. */
    public record Freshness(String position, String dataVersion, Long sourceTsMillis, Long lagMillis) {
        static Freshness of(PipelineProgress.Snapshot snapshot) {
            PipelineProgress.TableProgress newest = snapshot.newest();
            if (newest == null) {
                return new Freshness(null, "0", null, null);
            }
            return new Freshness(newest.position(), newest.version().toString(), newest.sourceTsMillis(),
                    newest.lagMillis());
        }
    }

    private final ClickHouseHttp clickhouse;
    private final PipelineProgress progress;
    private final ResponseCache cache;
    private final Duration queryTimeout;
    private final int maxCachedBytes;
    private final ConcurrentHashMap<String, CompletableFuture<ResponseCache.Entry>> inFlight = new ConcurrentHashMap<>();

    public EndpointAnswers(ClickHouseHttp clickhouse, PipelineProgress progress, ResponseCache cache,
                           Duration queryTimeout, int maxCachedBytes) {
        this.clickhouse = clickhouse;
        this.progress = progress;
        this.cache = cache;
        this.queryTimeout = queryTimeout;
        this.maxCachedBytes = maxCachedBytes;
    }

    /** The cached answer for this call if one is current (for If-None-Match and cache hits). */
    public ResponseCache.Entry cached(BoundQuery query) {
        if (query.endpoint().cacheTtl().isZero()) {
            return null;
        }
        return cache.get(cacheKey(query, Freshness.of(progress.current())), System.currentTimeMillis());
    }

    public Answer answer(BoundQuery query, int maxRows) {
        Freshness freshness = Freshness.of(progress.current());
        boolean cacheable = !query.endpoint().cacheTtl().isZero();
        if (!cacheable) {
            return run(query, maxRows, freshness, null);
        }
        String key = cacheKey(query, freshness);
        ResponseCache.Entry hit = cache.get(key, System.currentTimeMillis());
        if (hit != null) {
            return new Answer(new ByteArrayInputStream(hit.body()), hit.contentType(), hit.etag(), freshness, true);
        }
        // One query per missing answer: concurrent requests for it wait for the first instead of
        // all asking ClickHouse at once when an entry expires or the data advances.
        CompletableFuture<ResponseCache.Entry> mine = new CompletableFuture<>();
        CompletableFuture<ResponseCache.Entry> running = inFlight.putIfAbsent(key, mine);
        if (running != null) {
            ResponseCache.Entry shared = await(running);
            if (shared != null) {
                return new Answer(new ByteArrayInputStream(shared.body()), shared.contentType(), shared.etag(), freshness, true);
            }
            return run(query, maxRows, freshness, null);
        }
        try {
            Answer answer = run(query, maxRows, freshness, key);
            mine.complete(answer.etag() == null ? null : cache.get(key, System.currentTimeMillis()));
            return answer;
        } catch (RuntimeException e) {
            mine.complete(null);
            throw e;
        } finally {
            inFlight.remove(key, mine);
        }
    }

    private ResponseCache.Entry await(CompletableFuture<ResponseCache.Entry> running) {
        try {
            return running.get(queryTimeout.toMillis() + 5000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (ExecutionException | TimeoutException e) {
            return null;
        }
    }

    /** Runs the query; with a cache key the answer is read up to the size limit and cached when complete. */
    private Answer run(BoundQuery query, int maxRows, Freshness freshness, String key) {
        boolean cacheable = key != null;
        Map<String, String> params = new LinkedHashMap<>(query.clickhouseParameters());
        params.putAll(readOnlySettings(queryTimeout, maxRows));
        InputStream body = clickhouse.queryStream(query.sql(), params);
        if (query.format() == OutputFormat.JSON) {
            body = withFreshness(body, freshness);
        }
        if (!cacheable) {
            return new Answer(body, query.format().contentType(), null, freshness, false);
        }
        try {
            byte[] head = body.readNBytes(maxCachedBytes + 1);
            if (head.length > maxCachedBytes) {
                return new Answer(new SequenceInputStream(new ByteArrayInputStream(head), body),
                        query.format().contentType(), null, freshness, false);
            }
            body.close();
            String etag = "\"" + digest(head) + "\"";
            cache.put(key, new ResponseCache.Entry(head, query.format().contentType(), etag,
                    System.currentTimeMillis() + query.endpoint().cacheTtl().toMillis()));
            return new Answer(new ByteArrayInputStream(head), query.format().contentType(), etag, freshness, false);
        } catch (IOException e) {
            throw new UncheckedIOException("reading the answer from ClickHouse failed", e);
        }
    }

    /** Settings of every API query: read-only, time-bounded, row-bounded. */
    public static Map<String, String> readOnlySettings(Duration timeout, int maxRows) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("readonly", "1");
        s.put("max_execution_time", Long.toString(Math.max(1, timeout.toSeconds())));
        s.put("max_result_rows", Integer.toString(maxRows));
        s.put("result_overflow_mode", "throw");
        s.put("output_format_json_quote_64bit_integers", "0");
        s.put("output_format_json_quote_denormals", "1");
        return s;
    }

    private static String cacheKey(BoundQuery query, Freshness freshness) {
        return query.cacheKey() + "#data=" + freshness.dataVersion();
    }

    /** Puts {@code "freshness": {...},} right after the opening brace of ClickHouse's JSON answer. */
    static InputStream withFreshness(InputStream clickhouseJson, Freshness freshness) {
        try {
            int first = clickhouseJson.read();
            if (first != '{') {
                byte[] start = first < 0 ? new byte[0] : new byte[] {(byte) first};
                return new SequenceInputStream(new ByteArrayInputStream(start), clickhouseJson);
            }
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("position", freshness.position());
            f.put("data_version", freshness.dataVersion());
            f.put("source_ts", freshness.sourceTsMillis() == null ? null
                    : java.time.Instant.ofEpochMilli(freshness.sourceTsMillis()).toString());
            f.put("lag_ms", freshness.lagMillis());
            f.put("age_ms", freshness.sourceTsMillis() == null ? null
                    : Math.max(0, System.currentTimeMillis() - freshness.sourceTsMillis()));
            byte[] prefix = ("{\n\t\"freshness\": " + JSON.writeValueAsString(f) + ",").getBytes(StandardCharsets.UTF_8);
            return new SequenceInputStream(new ByteArrayInputStream(prefix), clickhouseJson);
        } catch (IOException e) {
            throw new UncheckedIOException("reading the answer from ClickHouse failed", e);
        }
    }

    private static String digest(byte[] body) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(body);
            return HexFormat.of().formatHex(Arrays.copyOf(d, 16));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
