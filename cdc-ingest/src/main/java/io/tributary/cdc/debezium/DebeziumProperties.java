package io.tributary.cdc.debezium;

import io.tributary.cdc.source.MySqlSourceConfig;
import java.util.Properties;
import java.util.stream.Collectors;

/** The embedded Debezium MySQL connector settings Tributary relies on, in one place. */
public final class DebeziumProperties {
    /** Namespace of Debezium's offset keys; part of the checkpointed offset, so never change it. */
    public static final String ENGINE_NAME = "tributary";

    private DebeziumProperties() {}

    public static Properties build(MySqlSourceConfig config, String engineId) {
        return build(config, engineId, true);
    }

    /**
     * With {@code dataSnapshot} false a new pipeline's Debezium reads only the tables' structure and
     * streams: Tributary's parallel snapshot reads the rows.
     */
    public static Properties build(MySqlSourceConfig config, String engineId, boolean dataSnapshot) {
        return build(config, engineId, dataSnapshot, false);
    }

    /**
     * {@code lockFree}: Debezium reads the tables' structure without any lock (the chunked snapshot's user has
     * neither RELOAD nor LOCK TABLES); a DDL during that read of a few seconds is the one it cannot place.
     */
    public static Properties build(MySqlSourceConfig config, String engineId, boolean dataSnapshot, boolean lockFree) {
        Properties p = new Properties();
        p.setProperty("name", ENGINE_NAME);
        p.setProperty("connector.class", GuardedMySqlConnector.class.getName());
        p.setProperty("topic.prefix", ENGINE_NAME);
        p.setProperty("topic.naming.strategy", CachedTopicNames.class.getName());
        p.setProperty(EngineStateRegistry.ID_PROPERTY, engineId);
        p.setProperty("offset.storage", StateOffsetBackingStore.class.getName());
        p.setProperty("offset.flush.interval.ms", "60000");
        p.setProperty("schema.history.internal", StateSchemaHistory.class.getName());
        p.setProperty(StateSchemaHistory.ID_PROPERTY, engineId);
        p.setProperty("schema.history.internal.store.only.captured.tables.ddl", "true");
        p.setProperty("database.hostname", config.host());
        p.setProperty("database.port", Integer.toString(config.port()));
        p.setProperty("database.user", config.user());
        p.setProperty("database.password", config.password());
        p.setProperty("database.server.id", Long.toString(config.serverId()));
        p.setProperty("database.include.list", config.databases().stream()
                .map(DebeziumProperties::quoteRegex).collect(Collectors.joining(",")));
        if (!config.tables().isEmpty()) {
            p.setProperty("table.include.list", config.tables().stream()
                    .map(DebeziumProperties::quoteRegex).collect(Collectors.joining(",")));
        }
        p.setProperty("snapshot.mode", dataSnapshot ? "initial" : "no_data");
        p.setProperty("snapshot.locking.mode", lockFree ? "none" : "minimal");
        p.setProperty("include.schema.changes", "true");
        p.setProperty("tombstones.on.delete", "false");
        // Debezium skips TRUNCATE by default, which would leave every truncated row in ClickHouse.
        p.setProperty("skipped.operations", "none");
        p.setProperty("decimal.handling.mode", "precise");
        p.setProperty("bigint.unsigned.handling.mode", "precise");
        p.setProperty("time.precision.mode", "adaptive_time_microseconds");
        p.setProperty("binary.handling.mode", "bytes");
        // MySQL already resolved two-digit years when the row was written; Debezium's adjuster would turn
        // DATE '0069-..' into 2069. YEAR needs its own converter: Debezium adjusts it regardless.
        p.setProperty("enable.time.adjuster", "false");
        // The driver would read YEAR as a java.sql.Date, turning YEAR 0000 into 2000 while snapshotting.
        p.setProperty("driver.yearIsDateType", "false");
        p.setProperty("converters", "tributary_year,tributary_geometry");
        p.setProperty("tributary_year.type", YearConverter.class.getName());
        p.setProperty("tributary_geometry.type", GeometryConverter.class.getName());
        p.setProperty("column.propagate.source.type", ".*");
        p.setProperty("heartbeat.interval.ms", Long.toString(config.heartbeatInterval().toMillis()));
        // Debezium's context headers (connector name, task id) on every record are not read here; building and
        // copying them cost ~4 % of the CPU per row in a profile.
        p.setProperty("extended.headers.enabled", "false");
        // Debezium's lag quantiles (JMX) are not read here; /status measures lag itself.
        p.setProperty("statistics.metrics.enabled", "false");
        p.setProperty("max.batch.size", "4096");
        p.setProperty("poll.interval.ms", Long.toString(config.pollInterval().toMillis()));
        p.setProperty("max.queue.size", "16384");
        p.setProperty("connect.keep.alive", "true");
        // The binlog client asks the server for a heartbeat event every 0.8 x this interval; Debezium's heartbeat
        // records ride on binlog events, so on an idle server this bounds how long a snapshot chunk waits for the
        // binlog to pass its high watermark (Debezium's 60 s default: 48 s). A silent connection is also found sooner.
        p.setProperty("connect.keep.alive.interval.ms", "5000");
        p.setProperty("errors.max.retries", "-1");
        p.setProperty("database.ssl.mode", config.sslMode().debeziumValue());
        if (config.trustStore() != null) {
            p.setProperty("database.ssl.truststore", config.trustStore().file().toString());
            p.setProperty("database.ssl.truststore.password", config.trustStore().password());
        }
        return p;
    }

    /** Debezium's include lists are regular expressions; names are matched literally. */
    static String quoteRegex(String name) {
        return name.replaceAll("([\\\\.\\[\\]{}()*+?^$|])", "\\\\$1");
    }
}
