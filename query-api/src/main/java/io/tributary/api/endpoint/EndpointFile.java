package io.tributary.api.endpoint;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses an endpoint file: a header of {@code --} comment lines, then one ClickHouse SELECT.
 * <pre>
 * -- description: Films rented most often between two days.
 * -- cache: 10s
 * -- param from: Date, required, "First day, inclusive"
 * -- param store_id: UInt8, default 1, min 1, max 2, "Store"
 * -- param rating: String, optional, values G|PG|PG-13|R|NC-17, "MPAA rating; all when absent"
 * SELECT ... WHERE rental_date >= {from:Date} AND ({rating:Nullable(String)} IS NULL OR ...)
 * </pre>
 * Every placeholder must be declared with the same type (Nullable(T) for an optional parameter
 * without default) and every declared parameter must be used; mistakes name the file and line.
 */
public final class EndpointFile {
    public static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,62}");
    /** Request parameters with a meaning of their own; endpoints cannot declare them. */
    public static final Set<String> RESERVED = Set.of("limit", "offset", "format");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*:\\s*([^}]+?)\\s*}");
    private static final Pattern PARAM = Pattern.compile("param\\s+([A-Za-z_][A-Za-z0-9_]*)\\s*:\\s*([A-Za-z0-9]+)\\s*(.*)");
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)");

    private EndpointFile() {}

    /** Thrown for a file that cannot be served; the message names the file and line. */
    public static final class InvalidEndpointException extends RuntimeException {
        public InvalidEndpointException(String message) {
            super(message);
        }
    }

    public static Endpoint parse(String fileName, String text) {
        if (!fileName.endsWith(".sql") || !NAME.matcher(fileName.substring(0, fileName.length() - 4)).matches()) {
            throw new InvalidEndpointException(fileName + ": endpoint files are named like top_films.sql "
                    + "(lower case letters, digits and _, starting with a letter)");
        }
        String name = fileName.substring(0, fileName.length() - 4);
        String[] lines = text.split("\n", -1);
        List<String> description = new ArrayList<>();
        Map<String, EndpointParameter> params = new LinkedHashMap<>();
        Duration cache = Duration.ZERO;
        int body = 0;
        for (; body < lines.length; body++) {
            String line = lines[body].strip();
            if (line.isEmpty()) {
                continue;
            }
            if (!line.startsWith("--")) {
                break;
            }
            String directive = line.substring(2).strip();
            String where = fileName + " line " + (body + 1) + ": ";
            if (directive.startsWith("description:")) {
                description.add(directive.substring("description:".length()).strip());
            } else if (directive.startsWith("cache:")) {
                cache = duration(directive.substring("cache:".length()).strip(), where);
            } else if (directive.startsWith("param ")) {
                EndpointParameter p = parameter(directive, where);
                if (params.put(p.name(), p) != null) {
                    throw new InvalidEndpointException(where + "parameter '" + p.name() + "' is declared twice");
                }
            }
        }
        StringBuilder sql = new StringBuilder();
        for (int i = body; i < lines.length; i++) {
            sql.append(lines[i]).append('\n');
        }
        String query = sql.toString().strip();
        while (query.endsWith(";")) {
            query = query.substring(0, query.length() - 1).strip();
        }
        if (query.isEmpty()) {
            throw new InvalidEndpointException(fileName + ": no query after the header");
        }
        checkPlaceholders(fileName, query, params);
        return new Endpoint(name, String.join(" ", description), query, List.copyOf(params.values()), cache,
                sha256(text));
    }

    private static EndpointParameter parameter(String directive, String where) {
        Matcher m = PARAM.matcher(directive);
        if (!m.matches()) {
            throw new InvalidEndpointException(where + "write a parameter as 'param name: Type, required|optional|default V"
                    + "[, min V][, max V][, values A|B][, \"description\"]'");
        }
        String name = m.group(1);
        if (RESERVED.contains(name)) {
            throw new InvalidEndpointException(where + "'" + name + "' is reserved for paging and output format");
        }
        ParameterType type;
        try {
            type = ParameterType.of(m.group(2));
        } catch (IllegalArgumentException e) {
            throw new InvalidEndpointException(where + e.getMessage());
        }
        String rest = m.group(3).strip();
        String description = "";
        if (rest.endsWith("\"")) {
            int q1 = rest.lastIndexOf('"', rest.length() - 2);
            if (q1 < 0) {
                throw new InvalidEndpointException(where + "the description's opening quote is missing");
            }
            description = rest.substring(q1 + 1, rest.length() - 1);
            rest = rest.substring(0, q1);
        }
        Boolean required = null;
        String defaultValue = null;
        String min = null;
        String max = null;
        List<String> values = new ArrayList<>();
        for (String attribute : rest.split(",")) {
            String a = attribute.strip();
            if (a.isEmpty()) {
                continue;
            }
            String[] kv = a.split("\\s+", 2);
            String value = kv.length > 1 ? kv[1].strip() : null;
            try {
                switch (kv[0].toLowerCase(Locale.ROOT)) {
                    case "required" -> required = true;
                    case "optional" -> required = false;
                    case "default" -> defaultValue = type.canonical(unquote(need(value, "default")));
                    case "min" -> min = bound(type, need(value, "min"));
                    case "max" -> max = bound(type, need(value, "max"));
                    case "values" -> {
                        for (String v : need(value, "values").split("\\|")) {
                            values.add(type.canonical(v.strip()));
                        }
                    }
                    default -> throw new IllegalArgumentException("unknown attribute '" + kv[0]
                            + "' (use required, optional, default, min, max, values and a \"description\")");
                }
            } catch (IllegalArgumentException e) {
                throw new InvalidEndpointException(where + "parameter '" + name + "': " + e.getMessage());
            }
        }
        if (Boolean.TRUE.equals(required) && defaultValue != null) {
            throw new InvalidEndpointException(where + "parameter '" + name + "' is required and has a default; choose one");
        }
        EndpointParameter p = new EndpointParameter(name, type, required == null ? defaultValue == null : required,
                defaultValue, min, max, values, description);
        if (defaultValue != null) {
            try {
                p.bind(defaultValue);
            } catch (IllegalArgumentException e) {
                throw new InvalidEndpointException(where + "the default of '" + name + "' " + e.getMessage());
            }
        }
        return p;
    }

    /** A default may be quoted, so that "" is the empty string. */
    private static String unquote(String value) {
        return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
                ? value.substring(1, value.length() - 1) : value;
    }

    private static String need(String value, String attribute) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("'" + attribute + "' needs a value");
        }
        return value;
    }

    private static String bound(ParameterType type, String value) {
        if (!type.isNumeric() && type != ParameterType.DATE && type != ParameterType.DATETIME) {
            throw new IllegalArgumentException(type.clickhouseName() + " parameters cannot have min/max");
        }
        return type.canonical(value);
    }

    private static Duration duration(String text, String where) {
        Matcher m = DURATION.matcher(text);
        if (text.equals("0") || text.equals("none")) {
            return Duration.ZERO;
        }
        if (!m.matches()) {
            throw new InvalidEndpointException(where + "cache takes a duration like 500ms, 10s, 5m or 0, not '" + text + "'");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofHours(n);
        };
    }

    private static void checkPlaceholders(String fileName, String sql, Map<String, EndpointParameter> params) {
        Set<String> used = new LinkedHashSet<>();
        Matcher m = PLACEHOLDER.matcher(sql);
        while (m.find()) {
            String name = m.group(1);
            String type = m.group(2).replaceAll("\\s+", "");
            EndpointParameter p = params.get(name);
            if (p == null) {
                throw new InvalidEndpointException(fileName + ": the query uses {" + name + ":" + type
                        + "} but the header declares no parameter '" + name + "'");
            }
            boolean nullable = type.startsWith("Nullable(") && type.endsWith(")");
            String base = nullable ? type.substring("Nullable(".length(), type.length() - 1) : type;
            String baseName = base.contains("(") ? base.substring(0, base.indexOf('(')) : base;
            boolean bindsNull = !p.required() && p.defaultValue() == null;
            if (!baseName.equals(p.type().clickhouseName()) || (baseName.equals("Decimal") != base.contains("("))) {
                throw new InvalidEndpointException(fileName + ": placeholder {" + name + ":" + type + "} does not match the "
                        + "declared type " + p.type().clickhouseName() + (p.type() == ParameterType.DECIMAL ? "(P, S)" : ""));
            }
            if (bindsNull && !nullable) {
                throw new InvalidEndpointException(fileName + ": '" + name + "' is optional without a default, so it is bound "
                        + "as NULL: write its placeholder as {" + name + ":Nullable(" + base + ")}");
            }
            used.add(name);
        }
        for (String declared : params.keySet()) {
            if (!used.contains(declared)) {
                throw new InvalidEndpointException(fileName + ": parameter '" + declared + "' is declared but the query never "
                        + "uses {" + declared + ":...}");
            }
        }
    }

    static String sha256(String text) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
