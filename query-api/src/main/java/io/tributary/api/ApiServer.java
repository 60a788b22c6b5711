package io.tributary.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.javalin.http.UnauthorizedResponse;
import io.tributary.sink.clickhouse.client.ClickHouseException;
import io.tributary.sink.clickhouse.client.ClickHouseHttp;
import io.tributary.sink.clickhouse.schema.StatusTable;
import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The HTTP API; every route is declared in {@link #create}. */
public final class ApiServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Javalin app;
    private final String url;

    private ApiServer(Javalin app, String url) {
        this.app = app;
        this.url = url;
    }

    public static ApiServer start(ApiSettings settings, ClickHouseHttp clickhouse, Supplier<String> pipelineState) {
        Javalin app = create(settings, clickhouse, pipelineState);
        app.start(settings.host(), settings.port());
        return new ApiServer(app, "http://" + settings.host() + ":" + app.port());
    }

    /** The application with all its routes, unstarted (tests start it with JavalinTest). */
    public static Javalin create(ApiSettings settings, ClickHouseHttp clickhouse, Supplier<String> pipelineState) {
        TableQueries tables = new TableQueries(clickhouse, settings.maxRows());
        Javalin app = Javalin.create(config -> config.showJavalinBanner = false);
        app.before("/api/*", ctx -> authorize(ctx, settings));
        app.before("/status", ctx -> authorize(ctx, settings));
        app.get("/health", ctx -> ctx.json(Map.of("status", "ok", "pipeline", safeState(pipelineState))));
        app.get("/status", ctx -> ctx.contentType("application/json")
                .result(status(clickhouse, settings.statusDatabase(), safeState(pipelineState))));
        app.get("/api/v1/tables/{database}/{table}", ctx -> ctx.contentType("application/json")
                .result(tables.select(ctx.pathParam("database"), ctx.pathParam("table"), ctx.queryParamMap())));
        app.exception(ClickHouseException.class, (e, ctx) -> {
            if (e.code() < 0) {
                error(ctx, HttpStatus.SERVICE_UNAVAILABLE, "ClickHouse is unavailable; try again shortly");
            } else if (e.code() == 159) {
                error(ctx, HttpStatus.GATEWAY_TIMEOUT, "the query took too long");
            } else if (e.code() == 26 || e.code() == 27 || e.code() == 72 || e.code() == 6 || e.code() == 70
                    || e.code() == 457 || e.code() == 53) {
                error(ctx, HttpStatus.BAD_REQUEST, "a parameter does not fit its column's type: " + firstLine(e.getMessage()));
            } else {
                LOG.error("ClickHouse error answering {}", ctx.path(), e);
                error(ctx, HttpStatus.INTERNAL_SERVER_ERROR, "internal error");
            }
        });
        app.exception(io.javalin.http.HttpResponseException.class, (e, ctx) ->
                error(ctx, HttpStatus.forStatus(e.getStatus()), e.getMessage()));
        app.exception(Exception.class, (e, ctx) -> {
            LOG.error("error answering {}", ctx.path(), e);
            error(ctx, HttpStatus.INTERNAL_SERVER_ERROR, "internal error");
        });
        return app;
    }

    private static void authorize(Context ctx, ApiSettings settings) {
        String header = ctx.header("Authorization");
        String token = header != null && header.startsWith("Bearer ") ? header.substring(7).trim() : null;
        if (token == null || settings.tokens().stream().noneMatch(t -> MessageDigest.isEqual(
                t.getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8)))) {
            throw new UnauthorizedResponse("missing or unknown bearer token: send 'Authorization: Bearer <token>' "
                    + "with one of api.tokens");
        }
    }

    private static String status(ClickHouseHttp clickhouse, String statusDatabase, String pipeline) throws Exception {
        String tables = clickhouse.query("SELECT database, table, position, toString(version) AS version, source_ts, flushed_at, "
                + "toInt64(dateDiff('millisecond', source_ts, flushed_at)) AS lag_ms, batch_rows, insert_ms, events_per_s "
                + "FROM " + StatusTable.qualifiedName(statusDatabase) + " FINAL ORDER BY database, table FORMAT JSON",
                Map.of("readonly", "1", "output_format_json_quote_64bit_integers", "0"));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("pipeline", pipeline);
        com.fasterxml.jackson.databind.JsonNode rows = JSON.readTree(tables).get("data");
        for (com.fasterxml.jackson.databind.JsonNode table : rows) {
            // Exact current row count of the user-facing view (FINAL: costs a merge-on-read scan).
            String count = clickhouse.query("SELECT count() FROM " + new io.tributary.sink.clickhouse.schema.TableNames(
                    table.get("database").asText(), table.get("table").asText()).view(), Map.of("readonly", "1")).trim();
            ((com.fasterxml.jackson.databind.node.ObjectNode) table).put("rows", Long.parseLong(count));
        }
        out.put("tables", rows);
        return JSON.writeValueAsString(out);
    }

    private static String safeState(Supplier<String> state) {
        try {
            return state.get();
        } catch (RuntimeException e) {
            return "UNKNOWN";
        }
    }

    private static void error(Context ctx, HttpStatus status, String message) {
        ctx.status(status).json(Map.of("error", message, "status", status.getCode()));
    }

    private static String firstLine(String s) {
        int i = s.indexOf('\n');
        return i < 0 ? s : s.substring(0, i);
    }

    public String url() {
        return url;
    }

    @Override
    public void close() {
        app.stop();
    }
}
