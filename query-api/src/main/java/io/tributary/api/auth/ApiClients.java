package io.tributary.api.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The API's clients: admin tokens from {@code api.tokens} plus scoped clients from
 * {@code api.clients-file}. Only SHA-256 digests of tokens are kept; a file names a token by its
 * digest ({@code token-sha256}) or by the environment variable holding it ({@code token-env}),
 * so no token needs to be written in a file.
 */
public final class ApiClients {
    private static final Set<String> CLIENT_KEYS = Set.of("name", "token-sha256", "token-env", "admin", "endpoints",
            "fixed", "rate-limit");
    private final List<ApiClient> clients;

    public ApiClients(List<ApiClient> clients) {
        if (clients.isEmpty()) {
            throw new IllegalArgumentException("no API token is configured: set api.tokens (admin tokens) "
                    + "or api.clients-file (scoped tokens)");
        }
        this.clients = List.copyOf(clients);
    }

    /** Admin tokens (full access), e.g. from {@code api.tokens}. */
    public static List<ApiClient> admins(List<String> tokens, double requestsPerSecond) {
        List<ApiClient> out = new ArrayList<>();
        for (int i = 0; i < tokens.size(); i++) {
            out.add(new ApiClient("admin-" + (i + 1), sha256(tokens.get(i)), true, List.of(), Map.of(), requestsPerSecond));
        }
        return out;
    }

    /** Reads a clients file; every mistake names the file, the client and the key. */
    public static List<ApiClient> fromFile(Path file, Map<String, String> env, double defaultRequestsPerSecond) {
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
        } catch (IOException e) {
            throw new IllegalArgumentException("api.clients-file " + file + " cannot be read: " + e.getMessage());
        }
        if (root == null || !root.path("clients").isArray()) {
            throw new IllegalArgumentException("api.clients-file " + file + " must have a 'clients:' list");
        }
        List<ApiClient> out = new ArrayList<>();
        int index = 0;
        for (JsonNode c : root.get("clients")) {
            index++;
            String where = file + ", client " + index + (c.hasNonNull("name") ? " '" + c.get("name").asText() + "'" : "");
            Iterator<String> keys = c.fieldNames();
            while (keys.hasNext()) {
                String key = keys.next();
                if (!CLIENT_KEYS.contains(key)) {
                    throw new IllegalArgumentException(where + ": unknown key '" + key + "' (known: " + CLIENT_KEYS + ")");
                }
            }
            if (!c.hasNonNull("name")) {
                throw new IllegalArgumentException(where + ": 'name' is required");
            }
            byte[] digest;
            if (c.hasNonNull("token-sha256") == c.hasNonNull("token-env")) {
                throw new IllegalArgumentException(where + ": give exactly one of token-sha256 (hex digest of the token) "
                        + "or token-env (environment variable holding the token)");
            } else if (c.hasNonNull("token-sha256")) {
                String hex = c.get("token-sha256").asText().trim();
                if (!hex.matches("[0-9a-fA-F]{64}")) {
                    throw new IllegalArgumentException(where + ": token-sha256 must be 64 hex digits "
                            + "(e.g. from: printf %s \"$TOKEN\" | sha256sum)");
                }
                digest = HexFormat.of().parseHex(hex.toLowerCase());
            } else {
                String variable = c.get("token-env").asText();
                String token = env.get(variable);
                if (token == null || token.isBlank()) {
                    throw new IllegalArgumentException(where + ": environment variable " + variable + " (token-env) is not set");
                }
                digest = sha256(token);
            }
            List<String> endpoints = new ArrayList<>();
            c.path("endpoints").forEach(e -> endpoints.add(e.asText()));
            Map<String, String> fixed = new LinkedHashMap<>();
            c.path("fixed").fields().forEachRemaining(f -> fixed.put(f.getKey(), f.getValue().asText()));
            boolean admin = c.path("admin").asBoolean(false);
            if (!admin && endpoints.isEmpty()) {
                throw new IllegalArgumentException(where + ": list the endpoints it may call (names or prefix*) or set admin: true");
            }
            double rate = c.hasNonNull("rate-limit") ? c.get("rate-limit").asDouble(-1) : defaultRequestsPerSecond;
            if (rate <= 0) {
                throw new IllegalArgumentException(where + ": rate-limit must be a positive number of requests per second");
            }
            out.add(new ApiClient(c.get("name").asText(), digest, admin, endpoints, fixed, rate));
        }
        return out;
    }

    /** The client holding this token; every client's digest is compared (constant time each). */
    public Optional<ApiClient> authenticate(String token) {
        byte[] digest = sha256(token);
        ApiClient match = null;
        for (ApiClient c : clients) {
            if (MessageDigest.isEqual(c.tokenSha256(), digest)) {
                match = c;
            }
        }
        return Optional.ofNullable(match);
    }

    public static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    /** For tests and tools: the digest to write as token-sha256. */
    public static String digestHex(String token) {
        return hex(sha256(token));
    }

}
