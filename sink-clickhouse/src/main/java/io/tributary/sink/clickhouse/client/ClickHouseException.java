package io.tributary.sink.clickhouse.client;

import java.util.Set;

/** An error answered by ClickHouse (with its code), a failure to reach it ({@link #UNREACHABLE}) or a refused certificate. */
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

    /**
     * Codes by which ClickHouse refuses the rows of one table (values it cannot parse or store, a
     * constraint, a column or table that is not there): parking that table lets the others go on.
     */
    private static final Set<Integer> TABLE_REJECTS_ROWS = Set.of(
            6, // CANNOT_PARSE_TEXT
            8, // THERE_IS_NO_COLUMN
            10, // NOT_FOUND_COLUMN_IN_BLOCK
            16, // NO_SUCH_COLUMN_IN_TABLE
            26, // CANNOT_PARSE_QUOTED_STRING
            27, // CANNOT_PARSE_INPUT_ASSERTION_FAILED
            38, // CANNOT_PARSE_DATE
            41, // CANNOT_PARSE_DATETIME
            53, // TYPE_MISMATCH
            60, // UNKNOWN_TABLE
            69, // ARGUMENT_OUT_OF_BOUND
            70, // CANNOT_CONVERT_TYPE
            72, // CANNOT_PARSE_NUMBER
            117, // INCORRECT_DATA
            131, // TOO_LARGE_STRING_SIZE
            321, // VALUE_IS_OUT_OF_RANGE_OF_DATA_TYPE
            349, // CANNOT_INSERT_NULL_IN_ORDINARY_COLUMN
            469 // VIOLATED_CONSTRAINT
    );

    /** Not reached: refused, reset, timed out (retried). */
    public static final int UNREACHABLE = -1;
    /** The server's TLS certificate was refused (not retried: a setting must change). */
    public static final int TLS_REFUSED = -2;

    private final int code;

    public ClickHouseException(int code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** ClickHouse refused rows of the table written to; nothing wrong with the server or other tables. */
    public boolean isRowRejection() {
        return TABLE_REJECTS_ROWS.contains(code);
    }

    /** Unreachable servers and transient server conditions are retried; everything else is a bug or bad data. */
    public boolean isRetriable() {
        return code == UNREACHABLE || RETRIABLE.contains(code);
    }
}
