package io.tributary.api;

import java.util.List;

/** What the API needs from the configuration. */
public record ApiSettings(String host, int port, List<String> tokens, int maxRows, String statusDatabase) {
    public ApiSettings {
        tokens = List.copyOf(tokens);
        if (tokens.isEmpty()) {
            throw new IllegalArgumentException("api.tokens must list at least one token");
        }
        if (maxRows < 1) {
            throw new IllegalArgumentException("api.max-rows must be positive");
        }
    }
}
