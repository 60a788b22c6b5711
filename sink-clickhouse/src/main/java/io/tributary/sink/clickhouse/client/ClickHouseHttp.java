package io.tributary.sink.clickhouse.client;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * ClickHouse over its HTTP interface, with the JDK's client: DDL, queries returning text, and
 * inserts of pre-encoded bodies. Server errors become {@link ClickHouseException} with their code.
 */
public final class ClickHouseHttp {
    /** Oldest ClickHouse with everything Tributary uses (ReplacingMergeTree is_deleted, UInt128 versions). */
    public static final int[] MINIMUM_VERSION = {23, 8};
    private static final Pattern CODE = Pattern.compile("Code: (\\d+)");
    private static final String SSL_CA_SETTING = "sink.clickhouse.ssl-ca";

    private final URI base;
    private final String authorization;
    private final HttpClient http;
    private final Duration timeout;

    private final String sslCa;

    public ClickHouseHttp(String url, String user, String password, Duration timeout) {
        this(url, user, password, null, timeout);
    }

    /** {@code sslCa}: PEM file of the only authorities an https server's certificate may come from; null: the JVM's. */
    public ClickHouseHttp(String url, String user, String password, String sslCa, Duration timeout) {
        String u = url.endsWith("/") ? url : url + "/";
        this.sslCa = sslCa;
        this.base = URI.create(u);
        if (!"http".equals(base.getScheme()) && !"https".equals(base.getScheme())) {
            throw new IllegalArgumentException("sink.clickhouse.url must be an http(s) URL, not '" + url + "'");
        }
        this.authorization = "Basic " + Base64.getEncoder().encodeToString(
                ((user == null ? "default" : user) + ":" + (password == null ? "" : password)).getBytes(StandardCharsets.UTF_8));
        this.timeout = timeout;
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
        if (sslCa != null) {
            builder.sslContext(io.tributary.cdc.tls.PemAuthorities.sslContext(sslCa, SSL_CA_SETTING));
        }
        this.http = builder.build();
    }

    public String url() {
        return base.toString();
    }

    /** Runs a statement and returns the body (TSV unless the SQL says otherwise). */
    public String query(String sql) {
        return query(sql, Map.of());
    }

    /** Runs SQL with server-side typed parameters ({@code {name:Type}} in the SQL) and settings. */
    public String query(String sql, Map<String, String> urlParameters) {
        byte[] body = send(uri(urlParameters), HttpRequest.BodyPublishers.ofString(sql), sql);
        return new String(body, StandardCharsets.UTF_8);
    }

    /**
     * Like {@link #query(String, Map)} but the answer is streamed: the caller reads (and closes)
     * it while ClickHouse is still sending. Errors before the first byte throw here.
     */
    public java.io.InputStream queryStream(String sql, Map<String, String> urlParameters) {
        HttpResponse<java.io.InputStream> response = exchange(uri(urlParameters), HttpRequest.BodyPublishers.ofString(sql),
                HttpResponse.BodyHandlers.ofInputStream(), sql);
        if (response.statusCode() != 200) {
            String text;
            try (java.io.InputStream in = response.body()) {
                text = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
            } catch (IOException e) {
                text = "(error body unreadable: " + e + ")";
            }
            throw error(response.headers(), text, sql);
        }
        return response.body();
    }

    /** {@code INSERT INTO table (columns) FORMAT format} with the given encoded rows. */
    public void insert(String qualifiedTable, String columnList, String format, byte[] rows) {
        insert(qualifiedTable, columnList, format, rows, Map.of());
    }

    /** An insert with extra settings, e.g. {@code insert_deduplication_token} so a retry cannot store rows twice. */
    public void insert(String qualifiedTable, String columnList, String format, byte[] rows, Map<String, String> settings) {
        Map<String, String> params = new LinkedHashMap<>(settings);
        params.put("query", "INSERT INTO " + qualifiedTable + " (" + columnList + ") FORMAT " + format);
        params.put("input_format_null_as_default", "0");
        send(uri(params), HttpRequest.BodyPublishers.ofByteArray(rows), "INSERT INTO " + qualifiedTable);
    }

    private URI uri(Map<String, String> params) {
        if (params.isEmpty()) {
            return base;
        }
        StringBuilder q = new StringBuilder();
        params.forEach((k, v) -> q.append(q.length() == 0 ? "?" : "&")
                .append(URLEncoder.encode(k, StandardCharsets.UTF_8)).append('=')
                .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return base.resolve(q.toString());
    }

    private byte[] send(URI uri, HttpRequest.BodyPublisher body, String what) {
        HttpResponse<byte[]> response = exchange(uri, body, HttpResponse.BodyHandlers.ofByteArray(), what);
        if (response.statusCode() != 200) {
            throw error(response.headers(), new String(response.body(), StandardCharsets.UTF_8).trim(), what);
        }
        return response.body();
    }

    /** One authenticated POST; an unreachable server becomes code -1 (retriable). */
    private <T> HttpResponse<T> exchange(URI uri, HttpRequest.BodyPublisher body, HttpResponse.BodyHandler<T> handler,
                                         String what) {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout)
                .header("Authorization", authorization).POST(body).build();
        try {
            return http.send(request, handler);
        } catch (IOException e) {
            io.tributary.cdc.tls.PemAuthorities.Refusal refusal = io.tributary.cdc.tls.PemAuthorities.refusal(e);
            if (refusal != null) {
                throw new ClickHouseException(ClickHouseException.TLS_REFUSED, tlsRefused(refusal, e), e);
            }
            throw new ClickHouseException(-1, "ClickHouse at " + base + " is unreachable (" + e + ") for: " + abbreviate(what), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClickHouseException(-1, "interrupted while talking to ClickHouse", e);
        }
    }

    /** A refused certificate is no outage: retrying cannot help, the setting must change. */
    private String tlsRefused(io.tributary.cdc.tls.PemAuthorities.Refusal refusal, Throwable failure) {
        String fix = refusal == io.tributary.cdc.tls.PemAuthorities.Refusal.IDENTITY
                ? "its certificate is not issued for the host '" + base.getHost() + "' of sink.clickhouse.url: use the "
                        + "host name the certificate names"
                : "its certificate is not signed by " + (sslCa == null ? "the JVM's trusted authorities (no "
                        + SSL_CA_SETTING + " is set)" : SSL_CA_SETTING + " '" + sslCa + "'") + ": set " + SSL_CA_SETTING
                        + " to the PEM file of the authority that signed it";
        return "ClickHouse at " + base + " refused by TLS verification: " + fix + ". (The TLS layer said: "
                + io.tributary.cdc.tls.PemAuthorities.rootMessage(failure) + ")";
    }

    private static ClickHouseException error(java.net.http.HttpHeaders headers, String text, String what) {
        int code = headers.firstValue("X-ClickHouse-Exception-Code").map(Integer::parseInt)
                .orElseGet(() -> codeFromText(text));
        return new ClickHouseException(code, "ClickHouse error " + code + " for " + abbreviate(what) + ": " + text, null);
    }

    private static int codeFromText(String text) {
        Matcher m = CODE.matcher(text);
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }

    private static String abbreviate(String sql) {
        return sql.length() > 300 ? sql.substring(0, 300) + "..." : sql;
    }

    /** Fails with a clear message when the server is older than {@link #MINIMUM_VERSION}. */
    public String checkVersion() {
        String version = query("SELECT version()").trim();
        requireSupported(version, base.toString());
        return version;
    }

    static void requireSupported(String version, String where) {
        String[] parts = version.split("\\.");
        int major;
        int minor;
        try {
            major = Integer.parseInt(parts[0]);
            minor = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
        } catch (NumberFormatException e) {
            throw new IllegalStateException("ClickHouse at " + where + " reports an unreadable version '" + version + "'");
        }
        if (major < MINIMUM_VERSION[0] || major == MINIMUM_VERSION[0] && minor < MINIMUM_VERSION[1]) {
            throw new IllegalStateException("ClickHouse at " + where + " is version " + version + "; Tributary needs "
                    + MINIMUM_VERSION[0] + "." + MINIMUM_VERSION[1] + " or newer (ReplacingMergeTree with is_deleted, "
                    + "DateTime64, UInt128 versions). Upgrade ClickHouse or point sink.clickhouse.url at a newer server.");
        }
    }
}
