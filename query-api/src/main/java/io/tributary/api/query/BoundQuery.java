package io.tributary.api.query;

import io.javalin.http.BadRequestResponse;
import io.javalin.http.ForbiddenResponse;
import io.tributary.api.auth.ApiClient;
import io.tributary.api.endpoint.Endpoint;
import io.tributary.api.endpoint.EndpointFile;
import io.tributary.api.endpoint.EndpointParameter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An endpoint call with every parameter validated and in canonical text, ready to run as
 * server-side parameters. {@code cacheKey} identifies the answer apart from the data version.
 */
public record BoundQuery(Endpoint endpoint, Map<String, String> values, long limit, long offset, OutputFormat format,
                         String cacheKey) {

    /** ClickHouse's NULL in a server-side parameter value. */
    static final String NULL = "\\N";

    public static BoundQuery bind(Endpoint endpoint, Map<String, List<String>> query, ApiClient client, int maxRows,
                                  OutputFormat format) {
        for (String fixed : client.fixedParameters().keySet()) {
            if (endpoint.parameter(fixed).isEmpty()) {
                throw new ForbiddenResponse("token '" + client.name() + "' is restricted to " + fixed + "="
                        + client.fixedParameters().get(fixed) + " and endpoint '" + endpoint.name()
                        + "' has no parameter " + fixed);
            }
        }
        for (Map.Entry<String, List<String>> e : query.entrySet()) {
            if (endpoint.parameter(e.getKey()).isEmpty() && !EndpointFile.RESERVED.contains(e.getKey())) {
                throw new BadRequestResponse("unknown parameter '" + e.getKey() + "' for endpoint '" + endpoint.name()
                        + "'; it takes " + names(endpoint) + " and limit, offset, format");
            }
            if (e.getValue().size() > 1) {
                throw new BadRequestResponse("parameter '" + e.getKey() + "' is given " + e.getValue().size()
                        + " times; give it once");
            }
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (EndpointParameter p : endpoint.parameters()) {
            String raw = single(query, p.name());
            String fixed = client.fixedParameters().get(p.name());
            if (fixed != null) {
                if (raw != null && !raw.equals(fixed)) {
                    throw new ForbiddenResponse("token '" + client.name() + "' may only use " + p.name() + "=" + fixed);
                }
                raw = fixed;
            }
            if (raw == null) {
                if (p.required()) {
                    throw new BadRequestResponse("missing required parameter '" + p.name() + "': " + p.expectation()
                            + (p.description().isEmpty() ? "" : " - " + p.description()));
                }
                values.put(p.name(), p.defaultValue() == null ? NULL : p.defaultValue());
                continue;
            }
            try {
                values.put(p.name(), p.bind(raw));
            } catch (IllegalArgumentException e) {
                throw new BadRequestResponse("parameter '" + p.name() + "' = '" + printable(raw) + "' " + e.getMessage()
                        + "; expected " + p.expectation());
            }
        }
        long limit = number(query, "limit", maxRows);
        long offset = number(query, "offset", 0);
        if (limit < 1 || limit > maxRows) {
            throw new BadRequestResponse("limit must be between 1 and " + maxRows + " (api.max-rows), not " + limit);
        }
        if (offset < 0) {
            throw new BadRequestResponse("offset must be 0 or more, not " + offset);
        }
        String key = endpoint.name() + "@" + endpoint.version() + "?" + new TreeMap<>(values) + "&limit=" + limit
                + "&offset=" + offset + "&format=" + format;
        return new BoundQuery(endpoint, Map.copyOf(values), limit, offset, format, key);
    }

    /** The endpoint's query with paging around it; values stay parameters. */
    public String sql() {
        return "SELECT * FROM (\n" + endpoint.sql() + "\n) LIMIT {_limit:UInt64} OFFSET {_offset:UInt64}";
    }

    public Map<String, String> clickhouseParameters() {
        Map<String, String> params = new LinkedHashMap<>();
        values.forEach((k, v) -> params.put("param_" + k, v));
        params.put("param__limit", Long.toString(limit));
        params.put("param__offset", Long.toString(offset));
        params.put("default_format", format.clickhouseFormat());
        return params;
    }

    private static String names(Endpoint endpoint) {
        return endpoint.parameters().isEmpty() ? "no parameters"
                : endpoint.parameters().stream().map(EndpointParameter::name).toList().toString();
    }

    private static String single(Map<String, List<String>> query, String name) {
        List<String> v = query.get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    private static long number(Map<String, List<String>> query, String name, long fallback) {
        String v = single(query, name);
        if (v == null) {
            return fallback;
        }
        if (!v.matches("[0-9]{1,18}")) {
            throw new BadRequestResponse(name + " must be a whole number, not '" + printable(v) + "'");
        }
        return Long.parseLong(v);
    }

    /** Echoes a bad value safely: bounded and with control characters shown as code points. */
    static String printable(String raw) {
        StringBuilder b = new StringBuilder();
        raw.codePoints().limit(100).forEach(c -> {
            if (Character.isISOControl(c)) {
                b.append(String.format("\\u%04x", c));
            } else {
                b.appendCodePoint(c);
            }
        });
        return raw.codePointCount(0, raw.length()) > 100 ? b + "..." : b.toString();
    }
}
