package io.tributary.api;

import io.javalin.http.Context;
import io.javalin.http.ForbiddenResponse;
import io.javalin.http.HttpStatus;
import io.javalin.http.NotFoundResponse;
import io.tributary.api.auth.ApiClient;
import io.tributary.api.endpoint.Endpoint;
import io.tributary.api.endpoint.EndpointCatalog;
import io.tributary.api.endpoint.EndpointParameter;
import io.tributary.api.observe.ApiMetrics;
import io.tributary.api.query.BoundQuery;
import io.tributary.api.query.EndpointAnswers;
import io.tributary.api.query.OutputFormat;
import io.tributary.api.query.ResponseCache;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code /api/v1/endpoints}: list the endpoints a token may call, and call one. */
final class EndpointHandler {
    static final String ENDPOINT = "tributary.endpoint";
    private final EndpointCatalog catalog;
    private final EndpointAnswers answers;
    private final ApiMetrics metrics;
    private final int maxRows;

    EndpointHandler(EndpointCatalog catalog, EndpointAnswers answers, ApiMetrics metrics, int maxRows) {
        this.catalog = catalog;
        this.answers = answers;
        this.metrics = metrics;
        this.maxRows = maxRows;
    }

    void list(Context ctx) {
        ApiClient client = Access.client(ctx);
        List<Object> out = new ArrayList<>();
        for (Endpoint e : catalog.endpoints()) {
            boolean takesFixedValues = client.fixedParameters().keySet().stream().allMatch(k -> e.parameter(k).isPresent());
            if (!client.mayCall(e.name()) || !takesFixedValues) {
                continue;
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", e.name());
            m.put("description", e.description());
            m.put("url", "/api/v1/endpoints/" + e.name());
            m.put("parameters", e.parameters().stream().map(EndpointParameter::name).toList());
            m.put("cache_ms", e.cacheTtl().toMillis());
            m.put("version", e.version());
            out.add(m);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("endpoints", out);
        if (client.admin()) {
            body.put("invalid_files", catalog.errors());
        }
        ctx.json(body);
    }

    void call(Context ctx) {
        String name = ctx.pathParam("name");
        ApiClient client = Access.client(ctx);
        Endpoint endpoint = catalog.find(name).orElseThrow(() -> {
            if (client.admin() && catalog.error(name).isPresent()) {
                return new NotFoundResponse("endpoint '" + name + "' is not served because its file is invalid: "
                        + catalog.error(name).get());
            }
            return new NotFoundResponse("no endpoint '" + name + "'; GET /api/v1/endpoints lists them");
        });
        if (!client.mayCall(name)) {
            throw new ForbiddenResponse("client '" + client.name() + "' may not call endpoint '" + name + "'");
        }
        ctx.attribute(ENDPOINT, name);
        OutputFormat format = OutputFormat.choose(ctx.queryParam("format"), ctx.header("Accept"));
        BoundQuery query = BoundQuery.bind(endpoint, ctx.queryParamMap(), client, maxRows, format);
        String ifNoneMatch = ctx.header("If-None-Match");
        if (ifNoneMatch != null) {
            ResponseCache.Entry cached = answers.cached(query);
            if (cached != null && cached.etag().equals(ifNoneMatch.trim())) {
                metrics.cacheHit(name);
                ctx.header("ETag", cached.etag());
                cacheControl(ctx, endpoint);
                ctx.status(HttpStatus.NOT_MODIFIED);
                return;
            }
        }
        EndpointAnswers.Answer answer = answers.answer(query, maxRows);
        if (answer.fromCache()) {
            metrics.cacheHit(name);
        }
        EndpointAnswers.Freshness f = answer.freshness();
        if (f.position() != null) {
            ctx.header("X-Tributary-Source-Position", f.position());
            ctx.header("X-Tributary-Lag-Ms", Long.toString(f.lagMillis()));
        }
        ctx.header("X-Tributary-Data-Version", f.dataVersion());
        if (answer.etag() != null) {
            ctx.header("ETag", answer.etag());
            cacheControl(ctx, endpoint);
        } else {
            ctx.header("Cache-Control", "no-store");
        }
        ctx.contentType(answer.contentType());
        ctx.result(answer.body());
    }

    private static void cacheControl(Context ctx, Endpoint endpoint) {
        ctx.header("Cache-Control", "private, max-age=" + endpoint.cacheTtl().toSeconds());
    }

}
