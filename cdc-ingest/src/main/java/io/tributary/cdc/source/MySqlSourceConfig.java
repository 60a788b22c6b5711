package io.tributary.cdc.source;

import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;

/** The validated settings of one MySQL source; built from {@link MySqlSourceOptions}. */
public record MySqlSourceConfig(String host, int port, String user, String password, List<String> databases,
                                List<String> tables, long serverId, int queueCapacity, Duration heartbeatInterval,
                                Duration pollInterval, MySqlSslMode sslMode, String sslCa,
                                MySqlSnapshotReader snapshotReader,
                                int snapshotThreads, long snapshotChunkRows)
        implements Serializable {

    public MySqlSourceConfig {
        databases = List.copyOf(databases);
        tables = List.copyOf(tables);
        if (databases.isEmpty()) {
            throw new IllegalArgumentException(MySqlSourceOptions.DATABASES.key() + " must name at least one database");
        }
        for (String t : tables) {
            int dot = t.indexOf('.');
            if (dot <= 0 || dot == t.length() - 1 || t.indexOf('.', dot + 1) >= 0) {
                throw new IllegalArgumentException(MySqlSourceOptions.TABLES.key() + ": '" + t + "' is not of the form db.table");
            }
            if (!databases.contains(t.substring(0, dot))) {
                throw new IllegalArgumentException(MySqlSourceOptions.TABLES.key() + ": '" + t + "' is in a database not listed in "
                        + MySqlSourceOptions.DATABASES.key() + " " + databases);
            }
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException(MySqlSourceOptions.PORT.key() + " must be 1..65535, not " + port);
        }
        if (pollInterval.isNegative() || pollInterval.isZero()) {
            throw new IllegalArgumentException(MySqlSourceOptions.POLL_INTERVAL.key() + " must be positive, not " + pollInterval);
        }
        java.util.Objects.requireNonNull(sslMode, "sslMode");
        if (sslCa != null && !sslMode.verifiesCertificate()) {
            throw new IllegalArgumentException(MySqlSourceOptions.SSL_CA.key() + " is set, but "
                    + MySqlSourceOptions.SSL_MODE.key() + " " + sslMode.debeziumValue() + " does not verify the server's "
                    + "certificate: set " + MySqlSourceOptions.SSL_MODE.key() + ": verify_ca (or verify_identity)");
        }
        java.util.Objects.requireNonNull(snapshotReader, "snapshotReader");
        if (snapshotThreads < 0 || snapshotThreads > 64) {
            throw new IllegalArgumentException(MySqlSourceOptions.SNAPSHOT_THREADS.key() + " must be 0..64, not "
                    + snapshotThreads);
        }
        if (snapshotChunkRows < 1) {
            throw new IllegalArgumentException(MySqlSourceOptions.SNAPSHOT_CHUNK_ROWS.key() + " must be positive, not "
                    + snapshotChunkRows);
        }
        if (queueCapacity < 1) {
            throw new IllegalArgumentException(MySqlSourceOptions.QUEUE_CAPACITY.key() + " must be positive");
        }
    }

    public static MySqlSourceConfig from(Configuration c) {
        return new MySqlSourceConfig(required(c, MySqlSourceOptions.HOST), c.get(MySqlSourceOptions.PORT),
                required(c, MySqlSourceOptions.USER), required(c, MySqlSourceOptions.PASSWORD),
                required(c, MySqlSourceOptions.DATABASES), c.get(MySqlSourceOptions.TABLES),
                c.get(MySqlSourceOptions.SERVER_ID), c.get(MySqlSourceOptions.QUEUE_CAPACITY),
                c.get(MySqlSourceOptions.HEARTBEAT_INTERVAL), c.get(MySqlSourceOptions.POLL_INTERVAL),
                c.get(MySqlSourceOptions.SSL_MODE), c.get(MySqlSourceOptions.SSL_CA),
                c.get(MySqlSourceOptions.SNAPSHOT_READER),
                c.get(MySqlSourceOptions.SNAPSHOT_THREADS),
                c.get(MySqlSourceOptions.SNAPSHOT_CHUNK_ROWS));
    }

    /** These settings narrowed to some captured tables ({@code db.table}): what a resync or a backfill reads. */
    public MySqlSourceConfig onlyTables(List<String> only) {
        return new MySqlSourceConfig(host, port, user, password, only.stream().map(t -> t.substring(0, t.indexOf('.')))
                .distinct().toList(), only, serverId, queueCapacity, heartbeatInterval, pollInterval, sslMode, sslCa,
                snapshotReader, snapshotThreads, snapshotChunkRows);
    }

    /** The snapshot reader's thread count on this machine: as configured, or half its cores (at least 1). */
    public int snapshotThreadsHere() {
        return snapshotThreads > 0 ? snapshotThreads : Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
    }

    private static <T> T required(Configuration c, ConfigOption<T> option) {
        T v = c.get(option);
        if (v == null) {
            throw new IllegalArgumentException("missing required setting " + option.key() + " (" + option.description() + ")");
        }
        return v;
    }

    /**
     * JDBC URL of the server without a default database: the settings every connection needs (TLS as
     * {@link #sslMode()} says), then {@code parameters} ({@code "&name=value..."} or empty).
     */
    /** Whether {@code database.table} is captured (names compared as Debezium's include lists do, ignoring case). */
    public boolean captures(String database, String table) {
        return captureFilter().captures(database, table);
    }

    /** The tables these settings capture. */
    public CaptureFilter captureFilter() {
        return new CaptureFilter(databases, tables);
    }

    public String jdbcUrl(String parameters) {
        // Without TLS, caching_sha2_password (the default from 8.4) needs the server's RSA key to send the password.
        String tls = "sslMode=" + sslMode.connectorJValue() + (sslMode.mayBePlainText() ? "&allowPublicKeyRetrieval=true" : "")
                + (sslCa == null ? "" : trustStore().jdbcParameters());
        return "jdbc:mysql://" + host + ":" + port + "/?" + tls + parameters;
    }

    /** {@link #sslCa()} as a trust store, written on first use in this JVM (where the connections are made). */
    public MySqlTrustStore trustStore() {
        return sslCa == null ? null : MySqlTrustStore.of(sslCa);
    }

    @Override
    public String toString() {
        return "MySqlSourceConfig[" + user + "@" + host + ":" + port + " databases=" + databases + " tables=" + tables + "]";
    }
}
