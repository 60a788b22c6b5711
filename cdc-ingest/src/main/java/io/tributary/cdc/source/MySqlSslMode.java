package io.tributary.cdc.source;

/**
 * TLS on every connection to MySQL: the binlog stream, Debezium's snapshot and Tributary's own
 * queries. Only the two verify modes check the server's certificate, against
 * {@code source.mysql.ssl-ca} or, without one, the JVM's trusted authorities.
 */
public enum MySqlSslMode {
    /** Plain text (loopback or a trusted network). */
    DISABLED("disabled", "DISABLED"),
    /** TLS when the server offers it, else plain text; the certificate is not verified. */
    PREFERRED("preferred", "PREFERRED"),
    /** TLS or no connection; the certificate is not verified. */
    REQUIRED("required", "REQUIRED"),
    /** TLS with a certificate signed by a trusted authority (any host name). */
    VERIFY_CA("verify_ca", "VERIFY_CA"),
    /** TLS with a trusted certificate issued for {@code source.mysql.host}. */
    VERIFY_IDENTITY("verify_identity", "VERIFY_IDENTITY");

    private final String debeziumValue;
    private final String connectorJValue;

    MySqlSslMode(String debeziumValue, String connectorJValue) {
        this.debeziumValue = debeziumValue;
        this.connectorJValue = connectorJValue;
    }

    /** Debezium's {@code database.ssl.mode}. */
    public String debeziumValue() {
        return debeziumValue;
    }

    /** MySQL Connector/J's {@code sslMode}. */
    String connectorJValue() {
        return connectorJValue;
    }

    public boolean verifiesCertificate() {
        return this == VERIFY_CA || this == VERIFY_IDENTITY;
    }

    /** Whether the connection may be plain text, so caching_sha2_password must fetch the server's RSA key. */
    boolean mayBePlainText() {
        return this == DISABLED || this == PREFERRED;
    }
}
