package io.tributary.sink.clickhouse.client;

import java.util.Set;

/** An error answered by ClickHouse (with its code) or a failure to reach it (code -1). */
public final class ClickHouseException extends RuntimeException {
    /** Codes after which the same request may succeed: overload, timeouts, network, unknown insert status. */
    private static final Set<Integer> RETRIABLE = Set.of(
            159, // TIMEOUT_EXCEEDED
            164, // READONLY (replica temporarily read-only)
            202, // TOO_MANY_SIMULTANEOUS_QUERIES
            209, // SOCKET_TIMEOUT
            210, // NETWORK_ERROR
            241, // MEMORY_LIMIT_EXCEEDED
            242, // TABLE_IS_READ_ONLY
            243, // NOT_ENOUGH_SPACE (disk full: retried until space is freed, then the job restarts and waits)
            252, // TOO_MANY_PARTS
            319, // UNKNOWN_STATUS_OF_INSERT
            425, // SYSTEM_ERROR
            999, // KEEPER_EXCEPTION
            1002 // UNKNOWN_EXCEPTION on some proxies
    );

    private final int code;

    public ClickHouseException(int code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** Unreachable servers and transient server conditions are retried; everything else is a bug or bad data. */
    public boolean isRetriable() {
        return code < 0 || RETRIABLE.contains(code);
    }
}
