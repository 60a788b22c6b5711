package io.tributary.cdc.source;

/**
 * TLS on every connection to MySQL: the binlog stream, Debezium's snapshot and Tributary's own
 * queries. The server's certificate is not verified in any mode.
 */
public enum MySqlSslMode {
    /** Plain text (loopback or a trusted network). */
    DISABLED("disabled", "sslMode=DISABLED&allowPublicKeyRetrieval=true"),
    /** TLS when the server offers it, else plain text. */
    PREFERRED("preferred", "sslMode=PREFERRED&allowPublicKeyRetrieval=true"),
    /** TLS or no connection. */
    REQUIRED("required", "sslMode=REQUIRED");

    private final String debeziumValue;
    private final String jdbcParameters;

    MySqlSslMode(String debeziumValue, String jdbcParameters) {
        this.debeziumValue = debeziumValue;
        this.jdbcParameters = jdbcParameters;
    }

    /** Debezium's {@code database.ssl.mode}. */
    public String debeziumValue() {
        return debeziumValue;
    }

    /**
     * MySQL Connector/J's parameters. Without TLS, caching_sha2_password needs the server's public key to send
     * the password; with TLS required it goes over the encrypted channel instead.
     */
    String jdbcParameters() {
        return jdbcParameters;
    }
}
