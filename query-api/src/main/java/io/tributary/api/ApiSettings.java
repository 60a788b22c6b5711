package io.tributary.api;

import io.tributary.api.auth.ApiClients;
import java.nio.file.Path;
import java.time.Duration;

/**
 * What the API needs from the configuration.
 *
 * @param endpointsDirectory where endpoint files ({@code <name>.sql}) are read from, and re-read when they change
 * @param queryTimeout       ClickHouse's max_execution_time for every API query
 * @param cacheEntries       answers kept by the answer cache (endpoints with a cache time only)
 */
public record ApiSettings(String host, int port, ApiClients clients, int maxRows, String statusDatabase,
                          Path endpointsDirectory, Duration queryTimeout, int cacheEntries) {
    public ApiSettings {
        if (maxRows < 1) {
            throw new IllegalArgumentException("api.max-rows must be positive");
        }
        if (queryTimeout.toSeconds() < 1) {
            throw new IllegalArgumentException("api.query-timeout must be at least 1s");
        }
    }
}
