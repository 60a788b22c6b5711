package io.tributary.localservers;

/** A running MySQL with binlog on (ROW, FULL images, GTID), reachable over TCP. */
public interface MySqlServer extends AutoCloseable {
    String host();

    int port();

    /** A user with full rights, for loading data and changing it in tests and the demo. */
    Credentials admin();

    /** A replication user with exactly the grants Debezium needs. */
    Credentials cdc();

    default String jdbcUrl(String database) {
        return "jdbc:mysql://" + host() + ":" + port() + "/" + (database == null ? "" : database)
                + "?useSSL=false&allowPublicKeyRetrieval=true&useUnicode=true&characterEncoding=utf8"
                + "&connectionTimeZone=UTC&forceConnectionTimeZoneToSession=true";
    }

    /**
     * The PEM file of the authority that signed the server's TLS certificate (MySQL's own {@code ca.pem},
     * generated at initialisation), for tests of certificate verification; empty where it cannot be read.
     */
    default java.util.Optional<java.nio.file.Path> caCertificate() {
        return java.util.Optional.empty();
    }

    /** Stops the server process; data and address stay for {@link #startServer()} (outage tests). */
    void stopServer();

    /** Starts a server stopped by {@link #stopServer()} on the same data and address, and waits until it answers. */
    void startServer();

    @Override
    void close();

    record Credentials(String user, String password) {
        @Override
        public String toString() {
            return user + "/***";
        }
    }
}
