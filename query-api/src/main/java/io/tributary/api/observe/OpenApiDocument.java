package io.tributary.api.observe;

import io.tributary.api.endpoint.Endpoint;
import io.tributary.api.endpoint.EndpointParameter;
import io.tributary.api.endpoint.ParameterType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * OpenAPI 3.0 for the API as it is now: one path per endpoint file (regenerated on every request,
 * so a new file shows up at once) plus the fixed routes.
 */
public final class OpenApiDocument {
    private OpenApiDocument() {}

    public static Map<String, Object> build(List<Endpoint> endpoints, int maxRows) {
        Map<String, Object> paths = new LinkedHashMap<>();
        for (Endpoint e : endpoints) {
            List<Object> params = new ArrayList<>();
            for (EndpointParameter p : e.parameters()) {
                Map<String, Object> param = new LinkedHashMap<>();
                param.put("name", p.name());
                param.put("in", "query");
                param.put("required", p.required());
                param.put("description", (p.description().isEmpty() ? "" : p.description() + " ") + "(" + p.expectation() + ")");
                param.put("schema", schema(p));
                params.add(param);
            }
            params.addAll(paging(maxRows));
            Map<String, Object> get = operation(e.name(), e.description().isEmpty() ? "Endpoint " + e.name() : e.description(),
                    params, "endpoints");
            get.put("description", "Defined by sql/endpoints/" + e.name() + ".sql (version " + e.version() + ")."
                    + (e.cacheTtl().isZero() ? "" : " Answers are cached for " + e.cacheTtl().toMillis()
                    + " ms or until the data advances."));
            paths.put("/api/v1/endpoints/" + e.name(), Map.of("get", get));
        }
        paths.put("/api/v1/endpoints", Map.of("get", operation("listEndpoints",
                "The endpoints this token may call, and (admins) files that cannot be served", List.of(), "endpoints")));
        paths.put("/api/v1/sql", Map.of("post", adHocSql(maxRows)));
        paths.put("/api/v1/tables/{database}/{table}", Map.of("get", operation("readTable",
                "Current rows of a captured table (admin), filtered by primary-key columns given as parameters",
                List.of(pathParam("database"), pathParam("table")), "tables")));
        paths.put("/status", Map.of("get", operation("status", "Pipeline state and per-table position, lag and rows",
                List.of(), "observability")));
        paths.put("/metrics", Map.of("get", operation("metrics", "Prometheus metrics", List.of(), "observability")));
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("openapi", "3.0.3");
        doc.put("info", Map.of("title", "Tributary query API", "version", "1",
                "description", "Read-only answers from ClickHouse, kept equal to MySQL by the Tributary pipeline. "
                        + "Every answer's freshness says which MySQL change it reflects."));
        doc.put("components", Map.of("securitySchemes", Map.of("bearer", Map.of("type", "http", "scheme", "bearer")),
                "schemas", Map.of("Error", Map.of("type", "object", "properties", Map.of(
                        "error", Map.of("type", "string"), "status", Map.of("type", "integer"))))));
        doc.put("security", List.of(Map.of("bearer", List.of())));
        doc.put("paths", paths);
        return doc;
    }

    private static Map<String, Object> operation(String id, String summary, List<Object> params, String tag) {
        Map<String, Object> op = new LinkedHashMap<>();
        op.put("operationId", id);
        op.put("summary", summary);
        op.put("tags", List.of(tag));
        op.put("parameters", params);
        Map<String, Object> responses = new LinkedHashMap<>();
        responses.put("200", Map.of("description", "The answer: JSON with data, meta, rows, statistics and freshness; "
                        + "CSV or NDJSON with format=csv|ndjson",
                "content", Map.of("application/json", Map.of("schema", Map.of("type", "object")),
                        "text/csv", Map.of("schema", Map.of("type", "string")),
                        "application/x-ndjson", Map.of("schema", Map.of("type", "string")))));
        responses.put("304", Map.of("description", "Not modified (If-None-Match matched the cached answer's ETag)"));
        for (String[] r : new String[][] {{"400", "A parameter is missing, unknown or of the wrong type"},
                {"401", "Missing or unknown bearer token"}, {"403", "The token may not call this or use that value"},
                {"404", "No such endpoint"}, {"429", "Rate limit exceeded; see Retry-After"},
                {"503", "ClickHouse is unavailable"}, {"504", "The query exceeded the time limit"}}) {
            responses.put(r[0], Map.of("description", r[1], "content", Map.of("application/json",
                    Map.of("schema", Map.of("$ref", "#/components/schemas/Error")))));
        }
        op.put("responses", responses);
        return op;
    }

    private static Map<String, Object> adHocSql(int maxRows) {
        Map<String, Object> op = operation("adHocSql", "Ad hoc read-only SQL (admin tokens only)", paging(maxRows).subList(2, 3),
                "sql");
        op.put("requestBody", Map.of("required", true, "content", Map.of("text/plain",
                Map.of("schema", Map.of("type", "string", "example", "SELECT count() FROM sakila.film")))));
        return op;
    }

    private static List<Object> paging(int maxRows) {
        return List.of(
                Map.of("name", "limit", "in", "query", "required", false,
                        "description", "Rows to return (default and maximum " + maxRows + ")",
                        "schema", Map.of("type", "integer", "minimum", 1, "maximum", maxRows)),
                Map.of("name", "offset", "in", "query", "required", false, "description", "Rows to skip",
                        "schema", Map.of("type", "integer", "minimum", 0)),
                Map.of("name", "format", "in", "query", "required", false, "description", "Answer format",
                        "schema", Map.of("type", "string", "enum", List.of("json", "csv", "ndjson"), "default", "json")));
    }

    private static Map<String, Object> pathParam(String name) {
        return Map.of("name", name, "in", "path", "required", true, "schema", Map.of("type", "string"));
    }

    private static Map<String, Object> schema(EndpointParameter p) {
        Map<String, Object> s = new LinkedHashMap<>();
        ParameterType t = p.type();
        switch (t) {
            case STRING -> s.put("type", "string");
            case BOOL -> s.put("type", "boolean");
            case FLOAT64 -> s.put("type", "number");
            case DECIMAL -> {
                s.put("type", "string");
                s.put("pattern", "^[-+]?[0-9]+(\\.[0-9]+)?$");
            }
            case DATE -> {
                s.put("type", "string");
                s.put("format", "date");
            }
            case DATETIME -> {
                s.put("type", "string");
                s.put("description", "local date-time without zone, e.g. 2005-05-24T22:53:30");
            }
            default -> {
                s.put("type", "integer");
                s.put("format", t == ParameterType.INT64 || t == ParameterType.UINT64 || t == ParameterType.UINT32
                        ? "int64" : "int32");
            }
        }
        if (t.isNumeric() && t != ParameterType.DECIMAL) {
            if (p.min() != null) {
                s.put("minimum", new java.math.BigDecimal(p.min()));
            }
            if (p.max() != null) {
                s.put("maximum", new java.math.BigDecimal(p.max()));
            }
        }
        if (!p.allowedValues().isEmpty()) {
            s.put("enum", p.allowedValues());
        }
        if (p.defaultValue() != null) {
            s.put("default", p.defaultValue());
        }
        return s;
    }
}
