package io.tributary.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import io.tributary.api.endpoint.EndpointCatalog;
import io.tributary.api.observe.ApiMetrics;
import io.tributary.api.observe.OpenApiDocument;
import io.tributary.api.query.EndpointAnswers;
import io.tributary.api.query.OutputFormat;
import io.tributary.api.query.ChunkCheckSummary;
import io.tributary.api.query.PipelineProgress;
import io.tributary.api.query.ResponseCache;
import io.tributary.sink.clickhouse.client.ClickHouseException;
import io.tributary.sink.clickhouse.client.ClickHouseHttp;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The HTTP API; every route is declared in {@link #create}. */
public final class ApiServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);
    private static final Logger ACCESS = LoggerFactory.getLogger("io.tributary.api.access");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** ClickHouse codes meaning a value did not fit its type (our validation should catch them first). */
    private static final Set<Integer> BAD_VALUE = Set.of(6, 26, 27, 38, 41, 53, 69, 70, 72, 457);
    /** ClickHouse codes meaning an ad hoc query itself is wrong (syntax, names, types, result too big). */
    private static final Set<Integer> BAD_QUERY = Set.of(36, 42, 43, 46, 47, 48, 60, 62, 81, 184, 215, 352, 396);
    private static final int MAX_CACHED_ANSWER_BYTES = 4 << 20;
    private static final int MAX_SQL_BYTES = 64 << 10;

    private final Javalin app;
    private final String url;

    private ApiServer(Javalin app, String url) {
        this.app = app;
        this.url = url;
    }

    public static ApiServer start(ApiSettings settings, ClickHouseHttp clickhouse, Supplier<String> pipelineState,
                                  Supplier<SourceBinlog> binlog) {
        Javalin app = create(settings, clickhouse, pipelineState, binlog);
        app.start(settings.host(), settings.port());
        return new ApiServer(app, "http://" + settings.host() + ":" + app.port());
    }

    /** The application with all its routes, unstarted (tests start it with JavalinTest). */
    public static Javalin create(ApiSettings settings, ClickHouseHttp clickhouse, Supplier<String> pipelineState) {
        return create(settings, clickhouse, pipelineState, () -> SourceBinlog.unknown("MySQL not configured for the API"));
    }

    /** The application; {@code binlog} tells {@code /status} what MySQL keeps of its binlog. */
    public static Javalin create(ApiSettings settings, ClickHouseHttp clickhouse, Supplier<String> pipelineState,
                                 Supplier<SourceBinlog> binlog) {
        EndpointCatalog catalog = EndpointCatalog.watching(settings.endpointsDirectory());
        PipelineProgress progress = new PipelineProgress(clickhouse, settings.statusDatabase());
        ChunkCheckSummary checks = new ChunkCheckSummary(clickhouse, settings.statusDatabase());
        ApiMetrics metrics = new ApiMetrics(progress, checks, () -> catalog.errors().size());
        EndpointAnswers answers = new EndpointAnswers(clickhouse, progress, new ResponseCache(settings.cacheEntries()),
                settings.queryTimeout(), MAX_CACHED_ANSWER_BYTES);
        EndpointHandler endpoints = new EndpointHandler(catalog, answers, metrics, settings.maxRows());
        TableQueries tables = new TableQueries(clickhouse, settings.maxRows(), settings.queryTimeout());
        StatusReport status = new StatusReport(clickhouse, progress, pipelineState, binlog, settings.statusDatabase(),
                checks);
        Access access = new Access(settings.clients(), metrics);
        String statusPage = resource("status.html");
        String docsPage = resource("docs.html").replace("SWAGGER_UI_VERSION", swaggerUiVersion());

        Javalin app = Javalin.create(config -> {
            config.showJavalinBanner = false;
            config.staticFiles.enableWebjars();
            config.http.gzipOnlyCompression();
            config.requestLogger.http((ctx, ms) -> logRequest(ctx, ms, metrics));
            config.events.serverStopped(() -> {
                catalog.close();
                progress.close();
            });
        });
        app.before("/api/*", access::authenticate);
        app.before("/status", access::authenticate);
        app.before("/metrics", access::authenticate);

        app.get("/health", ctx -> ctx.json(Map.of("status", "ok", "pipeline", status.pipelineState())));
        app.get("/status", ctx -> ctx.json(status.build()));
        app.get("/status/ui", ctx -> ctx.html(statusPage));
        app.get("/metrics", ctx -> ctx.contentType(metrics.contentType()).result(metrics.scrape()));
        app.get("/openapi.json", ctx -> ctx.json(OpenApiDocument.build(catalog.endpoints(), settings.maxRows())));
        app.get("/docs", ctx -> ctx.html(docsPage));
        app.get("/api/v1/endpoints", endpoints::list);
        app.get("/api/v1/endpoints/{name}", endpoints::call);
        app.post("/api/v1/sql", ctx -> adHocSql(ctx, clickhouse, settings));
        app.get("/api/v1/tables/{database}/{table}", ctx -> {
            Access.admin(ctx);
            ctx.contentType("application/json").result(tables.select(ctx.pathParam("database"), ctx.pathParam("table"),
                    ctx.queryParamMap()));
        });

        app.exception(ClickHouseException.class, (e, ctx) -> clickHouseError(e, ctx));
        app.exception(HttpResponseException.class, (e, ctx) -> error(ctx, HttpStatus.forStatus(e.getStatus()), e.getMessage()));
        app.exception(Exception.class, (e, ctx) -> {
            LOG.error("error answering {}", ctx.path(), e);
            error(ctx, HttpStatus.INTERNAL_SERVER_ERROR, "internal error; the server log has the details");
        });
        app.error(HttpStatus.NOT_FOUND, ctx -> {
            if (ctx.result() == null || ctx.result().isEmpty() || !ctx.result().startsWith("{")) {
                error(ctx, HttpStatus.NOT_FOUND, "no route " + ctx.method() + " " + ctx.path() + "; see /openapi.json");
            }
        });
        return app;
    }

    /** Admin-only read-only SQL: the body is the query; settings make it read-only, time- and row-bounded. */
    private static void adHocSql(Context ctx, ClickHouseHttp clickhouse, ApiSettings settings) {
        Access.admin(ctx);
        ctx.attribute(EndpointHandler.ENDPOINT, "sql");
        byte[] body = ctx.bodyAsBytes();
        if (body.length == 0 || body.length > MAX_SQL_BYTES) {
            throw new BadRequestResponse("send one read-only query as the request body (at most " + MAX_SQL_BYTES + " bytes)");
        }
        OutputFormat format = OutputFormat.choose(ctx.queryParam("format"), ctx.header("Accept"));
        Map<String, String> params = new LinkedHashMap<>(EndpointAnswers.readOnlySettings(settings.queryTimeout(),
                settings.maxRows()));
        params.put("default_format", format.clickhouseFormat());
        InputStream answer = clickhouse.queryStream(new String(body, StandardCharsets.UTF_8), params);
        ctx.header("Cache-Control", "no-store");
        ctx.contentType(format.contentType()).result(answer);
    }

    private static void clickHouseError(ClickHouseException e, Context ctx) {
        boolean adHoc = "sql".equals(ctx.attribute(EndpointHandler.ENDPOINT));
        int code = e.code();
        if (code < 0 || code == 202 || code == 241) {
            LOG.warn("ClickHouse unavailable answering {}: {}", ctx.path(), firstLine(e.getMessage()));
            ctx.header("Retry-After", "5");
            error(ctx, HttpStatus.SERVICE_UNAVAILABLE, "ClickHouse is unavailable or overloaded; try again shortly");
        } else if (code == 159 || code == 160 || code == 209) {
            error(ctx, HttpStatus.GATEWAY_TIMEOUT, "the query exceeded the API's time limit; narrow it with parameters "
                    + "(e.g. a shorter date range) or ask an operator to raise api.query-timeout");
        } else if (code == 164 && adHoc) {
            error(ctx, HttpStatus.FORBIDDEN, "only read-only queries are allowed here (ClickHouse: " + clean(e) + ")");
        } else if (adHoc && (BAD_QUERY.contains(code) || BAD_VALUE.contains(code))) {
            error(ctx, HttpStatus.BAD_REQUEST, "ClickHouse rejected the query: " + clean(e));
        } else if (BAD_VALUE.contains(code)) {
            error(ctx, HttpStatus.BAD_REQUEST, "a parameter does not fit the query: " + clean(e));
        } else {
            Object endpoint = ctx.attribute(EndpointHandler.ENDPOINT);
            LOG.error("ClickHouse error {} answering {}", code, ctx.path(), e);
            error(ctx, HttpStatus.INTERNAL_SERVER_ERROR, (endpoint == null ? "the query" : "endpoint '" + endpoint + "'")
                    + " failed in ClickHouse (code " + code + "); the server log has the details");
        }
    }

    /** ClickHouse's message without the query text and stack: "Code: N. DB::Exception: ..." up to the version tag. */
    private static String clean(ClickHouseException e) {
        String m = e.getMessage();
        int start = m.indexOf("Code: ");
        String text = start < 0 ? firstLine(m) : firstLine(m.substring(start));
        int version = text.indexOf(" (version ");
        return version < 0 ? text : text.substring(0, version);
    }

    private static void logRequest(Context ctx, float ms, ApiMetrics metrics) {
        Object endpoint = ctx.attribute(EndpointHandler.ENDPOINT);
        String route = endpoint != null ? endpoint.toString() : routeOf(ctx);
        int status = ctx.statusCode();
        metrics.request(route, status, ms / 1000.0);
        if (ACCESS.isInfoEnabled()) {
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("method", ctx.method().name());
            line.put("path", ctx.path());
            line.put("route", route);
            line.put("status", status);
            line.put("ms", Math.round(ms * 10) / 10.0);
            io.tributary.api.auth.ApiClient client = Access.client(ctx);
            line.put("client", client == null ? null : client.name());
            line.put("remote", ctx.ip());
            try {
                ACCESS.info(JSON.writeValueAsString(line));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static String routeOf(Context ctx) {
        try {
            String path = ctx.endpointHandlerPath();
            return path == null || path.isEmpty() || path.equals("*") ? "unmatched" : path;
        } catch (RuntimeException e) {
            return "unmatched";
        }
    }

    private static void error(Context ctx, HttpStatus status, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", message);
        body.put("status", status.getCode());
        ctx.status(status).json(body);
    }

    private static String firstLine(String s) {
        int i = s.indexOf('\n');
        return i < 0 ? s : s.substring(0, i);
    }

    private static String resource(String name) {
        try (InputStream in = ApiServer.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("resource " + name + " is missing from the query-api jar", e);
        }
    }

    private static String swaggerUiVersion() {
        try (InputStream in = ApiServer.class.getResourceAsStream("/META-INF/maven/org.webjars/swagger-ui/pom.properties")) {
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version");
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("the swagger-ui webjar is missing from the classpath", e);
        }
    }

    public String url() {
        return url;
    }

    @Override
    public void close() {
        app.stop();
    }
}
