package io.tributary.cdc.source;

import java.time.Duration;
import java.util.List;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/** Every setting of the MySQL CDC source, with its default and meaning. */
public final class MySqlSourceOptions {
    private MySqlSourceOptions() {}

    public static final ConfigOption<String> HOST = ConfigOptions.key("source.mysql.host")
            .stringType().noDefaultValue().withDescription("MySQL host name or address.");

    public static final ConfigOption<Integer> PORT = ConfigOptions.key("source.mysql.port")
            .intType().defaultValue(3306).withDescription("MySQL port.");

    public static final ConfigOption<String> USER = ConfigOptions.key("source.mysql.user")
            .stringType().noDefaultValue()
            .withDescription("Replication user: SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE, REPLICATION CLIENT, LOCK TABLES.");

    public static final ConfigOption<String> PASSWORD = ConfigOptions.key("source.mysql.password")
            .stringType().noDefaultValue().withDescription("Password of the replication user.");

    public static final ConfigOption<List<String>> DATABASES = ConfigOptions.key("source.mysql.databases")
            .stringType().asList().noDefaultValue().withDescription("Databases to capture.");

    public static final ConfigOption<List<String>> TABLES = ConfigOptions.key("source.mysql.tables")
            .stringType().asList().defaultValues()
            .withDescription("Tables to capture as db.table; empty captures every table of the databases.");

    public static final ConfigOption<Long> SERVER_ID = ConfigOptions.key("source.mysql.server-id")
            .longType().defaultValue(5400L)
            .withDescription("Replica server id used on the binlog connection; unique among the server's replicas.");

    public static final ConfigOption<Integer> QUEUE_CAPACITY = ConfigOptions.key("source.mysql.queue-capacity")
            .intType().defaultValue(8192)
            .withDescription("Change records buffered between Debezium and Flink; a full queue holds Debezium back.");

    public static final ConfigOption<Duration> HEARTBEAT_INTERVAL = ConfigOptions.key("source.mysql.heartbeat-interval")
            .durationType().defaultValue(Duration.ofSeconds(1))
            .withDescription("How often the source position advances while captured tables are idle. The chunked "
                    + "snapshot hands a chunk out once the binlog passed its high watermark; when only other "
                    + "databases are written, a heartbeat is what says so.");

    public static final ConfigOption<Duration> POLL_INTERVAL = ConfigOptions.key("source.mysql.poll-interval")
            .durationType().defaultValue(Duration.ofMillis(20))
            .withDescription("How long Debezium waits before looking again when it found no new change (its "
                    + "poll.interval.ms). Debezium's 500 ms default added ~250 ms to freshness on average.");

    public static final ConfigOption<MySqlSslMode> SSL_MODE = ConfigOptions.key("source.mysql.ssl-mode")
            .enumType(MySqlSslMode.class).defaultValue(MySqlSslMode.PREFERRED)
            .withDescription("TLS on every MySQL connection (binlog, snapshot, queries): disabled, preferred (TLS when "
                    + "the server offers it), required (TLS, certificate not verified), verify_ca (a certificate signed "
                    + "by source.mysql.ssl-ca, or by an authority the JVM trusts) or verify_identity (verify_ca and "
                    + "issued for source.mysql.host).");

    public static final ConfigOption<String> SSL_CA = ConfigOptions.key("source.mysql.ssl-ca")
            .stringType().noDefaultValue()
            .withDescription("PEM file of the certificate authorities that sign the server's certificate (e.g. the "
                    + "RDS or Cloud SQL CA bundle, or MySQL's own ca.pem), for ssl-mode verify_ca and verify_identity. "
                    + "Without it those modes trust the JVM's authorities.");

    public static final ConfigOption<MySqlSnapshotReader> SNAPSHOT_READER = ConfigOptions.key("source.mysql.snapshot.reader")
            .enumType(MySqlSnapshotReader.class).defaultValue(MySqlSnapshotReader.CHUNKED)
            .withDescription("Who reads a new pipeline's snapshot: chunked (key-range chunks read in parallel while the "
                    + "binlog streams, reconciled with it by watermarks; no lock, needs only SELECT, REPLICATION SLAVE "
                    + "and REPLICATION CLIENT, and gtid_mode=ON, without which the locking reader runs), locking "
                    + "(parallel read views opened at one binlog position under a global read lock held for a moment, "
                    + "needs RELOAD) or debezium (Debezium's own single-threaded snapshot, slower; without RELOAD it "
                    + "falls back to table locks, which need FLUSH_TABLES).");

    public static final ConfigOption<Integer> SNAPSHOT_THREADS = ConfigOptions.key("source.mysql.snapshot.threads")
            .intType().defaultValue(0)
            .withDescription("Threads of Tributary's snapshot reader, each in its own read view at the same binlog "
                    + "position. 0: half the cores of the machine that reads, at least 1 (the reader shares the cores "
                    + "with the rest of the job).");

    public static final ConfigOption<Long> SNAPSHOT_CHUNK_ROWS = ConfigOptions.key("source.mysql.snapshot.chunk-rows")
            .longType().defaultValue(50_000L)
            .withDescription("Rows per chunk of the snapshot. The chunked reader cuts tables whose primary key is made of "
                    + "integer, DECIMAL, DATE, DATETIME, TIMESTAMP, binary or character columns (character keys in "
                    + "their collation's order); tables without a key are read in one chunk. After a restart, an "
                    + "unfinished snapshot reads again only the chunks it had not completed of tables keyed by "
                    + "integers. The locking reader cuts only single integer keys.");

    public static final ConfigOption<Long> VERIFY_ROWS_PER_SECOND = ConfigOptions.key("source.mysql.verify.rows-per-second")
            .longType().defaultValue(2_000L)
            .withDescription("Continuous verification: rows per second compared in the background, MySQL's checksum of "
                    + "a chunk of source.mysql.snapshot.chunk-rows keys against ClickHouse's at one consistent point "
                    + "(needs gtid_mode=ON). Drift is logged and kept in ClickHouse's chunk_checks table. Tables keyed "
                    + "by integers are checked in chunks; others whole up to 200,000 rows. 0 turns it off.");

    public static final ConfigOption<Boolean> VERIFY_REPAIR = ConfigOptions.key("source.mysql.verify.repair")
            .booleanType().defaultValue(true)
            .withDescription("Whether a chunk continuous verification found different in ClickHouse is read again "
                    + "from MySQL (without locks, while the binlog streams), then checked again.");
}
