package io.tributary.api.auth;

import java.util.List;
import java.util.Map;

/**
 * Who a bearer token belongs to and what it may do: which endpoints (names or prefixes ending in
 * {@code *}), parameter values fixed for it (a tenant filter: the request cannot choose another
 * value, and endpoints without that parameter are closed to it), its request rate, and whether
 * it is an admin (every endpoint, {@code /api/v1/sql}, {@code /status}).
 */
public record ApiClient(String name, byte[] tokenSha256, boolean admin, List<String> endpoints,
                        Map<String, String> fixedParameters, double requestsPerSecond) {
    public ApiClient {
        endpoints = List.copyOf(endpoints);
        fixedParameters = Map.copyOf(fixedParameters);
        if (requestsPerSecond <= 0) {
            throw new IllegalArgumentException("client '" + name + "': rate-limit must be positive");
        }
    }

    public boolean mayCall(String endpoint) {
        if (admin) {
            return true;
        }
        for (String pattern : endpoints) {
            if (pattern.equals(endpoint) || pattern.endsWith("*")
                    && endpoint.startsWith(pattern.substring(0, pattern.length() - 1))) {
                return true;
            }
        }
        return false;
    }
}
