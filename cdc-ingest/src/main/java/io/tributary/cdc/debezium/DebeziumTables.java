package io.tributary.cdc.debezium;

import io.debezium.config.CommonConnectorConfig;
import io.debezium.config.Configuration;
import io.debezium.connector.binlog.jdbc.BinlogConnectorConnection;
import io.debezium.connector.binlog.jdbc.BinlogFieldReader;
import io.debezium.connector.binlog.jdbc.BinlogSystemVariables;
import io.debezium.connector.mysql.MySqlConnectorConfig;
import io.debezium.connector.mysql.MySqlDatabaseSchema;
import io.debezium.connector.mysql.MySqlOffsetContext;
import io.debezium.connector.mysql.MySqlPartition;
import io.debezium.connector.mysql.MySqlTaskContext;
import io.debezium.connector.mysql.jdbc.MySqlConnection;
import io.debezium.connector.mysql.jdbc.MySqlConnectionConfiguration;
import io.debezium.connector.mysql.jdbc.MySqlDefaultValueConverter;
import io.debezium.connector.mysql.jdbc.MySqlFieldReaderResolver;
import io.debezium.connector.mysql.jdbc.MySqlValueConverters;
import io.debezium.converters.custom.CustomConverterServiceProvider;
import io.debezium.relational.CustomConverterRegistry;
import io.debezium.relational.Table;
import io.debezium.relational.TableId;
import io.debezium.relational.TableSchema;
import io.debezium.service.spi.ServiceRegistry;
import io.tributary.cdc.source.MySqlSourceConfig;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Debezium's own model of the captured tables (its DDL parser over {@code SHOW CREATE TABLE}, its
 * value converters, Tributary's custom converters, its JDBC field readers), built the way its
 * snapshot builds them. Tributary's parallel snapshot reads rows through these, so a row comes
 * out exactly as Debezium's own snapshot would have produced it.
 */
public final class DebeziumTables implements AutoCloseable {
    private static final java.util.concurrent.atomic.AtomicInteger SEQUENCE = new java.util.concurrent.atomic.AtomicInteger();
    private final String engineId = UUID.randomUUID().toString();
    private final Configuration configuration;
    private final MySqlConnectorConfig connectorConfig;
    private final MySqlValueConverters valueConverters;
    private final CustomConverterRegistry customConverters;
    private final BinlogFieldReader fieldReader;
    private final ConverterSource converterSource;
    private final io.debezium.relational.mapping.ColumnMappers columnMappers;
    private final io.debezium.spi.topic.TopicNamingStrategy topics;
    private MySqlDatabaseSchema schema;
    /** Each table's {@code SHOW CREATE TABLE} as last parsed here, so a structure read again unchanged is not parsed again. */
    private final Map<TableId, String> parsedStatements = new java.util.HashMap<>();
    private final Map<TableId, RowConverter> rowConverters = new java.util.HashMap<>();

    public DebeziumTables(MySqlSourceConfig config) {
        // The schema history Debezium's schema class opens is a throwaway one: nothing is recorded here.
        EngineStateRegistry.register(engineId, new EngineStateRegistry.EngineState(null, null, List.of()));
        java.util.Properties properties = DebeziumProperties.build(config, engineId);
        // Debezium registers JMX metrics under this name; the running engine holds "tributary" already.
        properties.setProperty("topic.prefix", "tributary_snapshot_" + SEQUENCE.incrementAndGet());
        configuration = Configuration.from(properties);
        connectorConfig = new MySqlConnectorConfig(configuration);
        if (connectorConfig.isTimeAdjustedEnabled()) {
            throw new IllegalStateException("enable.time.adjuster must be false (DebeziumProperties)");
        }
        ServiceRegistry services = connectorConfig.getServiceRegistry();
        services.registerServiceProvider(new CustomConverterServiceProvider());
        customConverters = services.tryGetService(CustomConverterRegistry.class);
        valueConverters = new MySqlValueConverters(connectorConfig.getDecimalMode(),
                connectorConfig.getTemporalPrecisionMode(),
                connectorConfig.getBigIntUnsignedHandlingMode().asBigIntUnsignedMode(),
                connectorConfig.binaryHandlingMode(), temporal -> temporal,
                connectorConfig.getEventConvertingFailureHandlingMode(), services);
        BinlogFieldReader resolved = MySqlFieldReaderResolver.resolve(connectorConfig);
        // The text protocol (no cursor fetch, Tributary's setting) with DATETIME read without a Calendar per value.
        fieldReader = resolved instanceof io.debezium.connector.mysql.jdbc.MySqlTextProtocolFieldReader
                ? new DatetimeTextFieldReader(connectorConfig) : resolved;
        // Built with the arguments Debezium's MySQL schema gives its own builder, for its converters only.
        converterSource = new ConverterSource(valueConverters, new MySqlDefaultValueConverter(valueConverters),
                connectorConfig.schemaNameAdjuster(), customConverters,
                connectorConfig.getSourceInfoStructMaker().schema(), connectorConfig.getFieldNamer(),
                connectorConfig.getEventConvertingFailureHandlingMode());
        columnMappers = io.debezium.relational.mapping.ColumnMappers.create(connectorConfig);
        topics = connectorConfig.getTopicNamingStrategy(CommonConnectorConfig.TOPIC_NAMING_STRATEGY);
    }

    /**
     * The Kafka Connect schema Debezium gives the rows of {@code table}, built as its MySQL schema builds it
     * (same builder, converters, default values, column filter and mappers), from a table structure such as
     * a schema change record's {@code tableChanges}: no connection needed.
     */
    public org.apache.kafka.connect.data.Schema valueSchema(Table table) {
        return converterSource.create(topics, table, connectorConfig.getColumnFilter(), columnMappers,
                connectorConfig.getKeyMapper()).valueSchema();
    }

    /** Debezium's table schema builder, opened up for the per-column converters its value generator uses. */
    private static final class ConverterSource extends io.debezium.relational.TableSchemaBuilder {
        ConverterSource(MySqlValueConverters values, MySqlDefaultValueConverter defaults,
                        io.debezium.schema.SchemaNameAdjuster names, CustomConverterRegistry custom,
                        org.apache.kafka.connect.data.Schema sourceInfo,
                        io.debezium.schema.FieldNameSelector.FieldNamer<io.debezium.relational.Column> fieldNamer,
                        CommonConnectorConfig.EventConvertingFailureHandlingMode failureMode) {
            super(values, defaults, names, custom, sourceInfo, fieldNamer, false, failureMode);
        }

        io.debezium.relational.ValueConverter[] converters(org.apache.kafka.connect.data.Schema valueSchema, TableId id,
                                                           List<io.debezium.relational.Column> columns,
                                                           io.debezium.relational.mapping.ColumnMappers mappers) {
            return convertersForColumns(valueSchema, id, columns, mappers);
        }

        org.apache.kafka.connect.data.Field[] fields(org.apache.kafka.connect.data.Schema valueSchema,
                                                     List<io.debezium.relational.Column> columns) {
            return fieldsForColumns(valueSchema, columns);
        }
    }

    /**
     * What Debezium's value generator does for one table (each column's converter applied to its
     * JDBC value), without building a Kafka Connect Struct: its validation alone was a quarter of
     * the snapshot's allocation. Values come out indexed by the value schema's fields.
     */
    public final class RowConverter {
        private final TableId id;
        private final TableSchema tableSchema;
        private final io.debezium.relational.ValueConverter[] converters;
        private final org.apache.kafka.connect.data.Field[] fields;
        private final int[] positions;
        private final List<io.debezium.relational.Column> columns;

        private RowConverter(TableId id) {
            this.id = id;
            Table table = schema.tableFor(id);
            tableSchema = schema.schemaFor(id);
            columns = table.columns();
            converters = converterSource.converters(tableSchema.valueSchema(), id, columns, columnMappers);
            fields = converterSource.fields(tableSchema.valueSchema(), columns);
            positions = new int[columns.size()];
            for (int i = 0; i < positions.length; i++) {
                positions[i] = columns.get(i).position() - 1;
            }
        }

        public TableSchema tableSchema() {
            return tableSchema;
        }

        /** Connect values by value-schema field index; a value Debezium cannot convert fails like its generator does. */
        public Object[] values(Object[] row) {
            Object[] values = new Object[tableSchema.valueSchema().fields().size()];
            for (int i = 0; i < converters.length; i++) {
                if (converters[i] == null || fields[i] == null) {
                    continue;
                }
                Object value = positions[i] < row.length ? row[positions[i]] : null;
                try {
                    values[fields[i].index()] = converters[i].convert(value);
                } catch (RuntimeException e) {
                    throw new IllegalStateException("Column " + id.catalog() + "." + id.table() + "."
                            + columns.get(i).name() + " (" + columns.get(i).typeName() + "): Debezium cannot convert the "
                            + "value " + value + ": " + e.getMessage() + ". "
                            + RecordConverter.correctValueThenResync(id.catalog(), id.table()), e);
                }
            }
            return values;
        }
    }

    /** The converter of {@code id}'s rows in the structure last read ({@link #load}, {@link #current}). */
    public RowConverter rowConverter(TableId id) {
        return rowConverters.computeIfAbsent(id, RowConverter::new);
    }

    /** A connection configured like Debezium's own snapshot connection (URL, driver settings, TLS, field reader). */
    public MySqlConnection connect() {
        return new MySqlConnection(new MySqlConnectionConfiguration(configuration), fieldReader);
    }

    /** Sets up Debezium's schema model (no table yet); apart from {@link #load}, which runs under a lock. */
    public void prepare(BinlogConnectorConnection connection) throws SQLException {
        schema = new MySqlDatabaseSchema(connectorConfig, valueConverters,
                topics, connectorConfig.schemaNameAdjuster(), connection.isTableIdCaseSensitive(), customConverters,
                new MySqlTaskContext(configuration, connectorConfig));
    }

    /**
     * Reads the structure of {@code tables} through {@code connection}, replaying what Debezium's
     * snapshot feeds its parser: the server's character sets and SQL mode, each database with its
     * default collation, then each table's {@code SHOW CREATE TABLE}. Read again, a table has the
     * structure MySQL has now.
     */
    public void load(BinlogConnectorConnection connection, Collection<TableId> tables) throws SQLException {
        load(connection, tables, Map.of());
    }

    /**
     * The structure of {@code id} as MySQL has it now, for a reader that asks again and again (before and
     * after each chunk): one {@code SHOW CREATE TABLE}, parsed only when it differs from the statement last
     * parsed here. Parsing replays five statements through Debezium's parser and rebuilds the table's
     * schema, four queries and the better part of the per-chunk cost a table of a few rows pays
     * (docs/scaling.md). The server's character sets and SQL mode are read again with each parse only.
     */
    public Table current(BinlogConnectorConnection connection, TableId id) throws SQLException {
        String ddl = showCreate(connection, id);
        Table known = schema == null ? null : schema.tableFor(id);
        if (known != null && ddl.equals(parsedStatements.get(id))) {
            return known;
        }
        load(connection, List.of(id), Map.of(id, ddl));
        return schema.tableFor(id);
    }

    private static String showCreate(BinlogConnectorConnection connection, TableId table) throws SQLException {
        String[] ddl = new String[1];
        connection.query("SHOW CREATE TABLE " + connection.quotedTableIdString(table), rs -> {
            if (rs.next()) {
                ddl[0] = rs.getString(2);
            }
        });
        if (ddl[0] == null) {
            throw new IllegalStateException("SHOW CREATE TABLE " + table + " returned nothing");
        }
        return ddl[0];
    }

    /** {@code known}: statements of some of {@code tables} just read, not asked for again. */
    private void load(BinlogConnectorConnection connection, Collection<TableId> tables, Map<TableId, String> known)
            throws SQLException {
        if (schema == null) {
            throw new IllegalStateException("prepare() first");
        }
        MySqlPartition partition = new MySqlPartition(connectorConfig.getLogicalName(), null);
        MySqlOffsetContext offset = MySqlOffsetContext.initial(connectorConfig);
        parse(partition, offset, "", connection.setStatementFor(connection.readCharsetSystemVariables()));
        schema.setSystemVariables(BinlogSystemVariables.BinlogScope.GLOBAL, connection.readSqlModeSystemVariable());
        Map<String, BinlogConnectorConnection.DatabaseLocales> locales = connection.readDatabaseCollations();
        Map<String, List<TableId>> byDatabase = new TreeMap<>();
        tables.forEach(t -> byDatabase.computeIfAbsent(t.catalog(), k -> new java.util.ArrayList<>()).add(t));
        for (Map.Entry<String, List<TableId>> db : byDatabase.entrySet()) {
            String database = db.getKey();
            StringBuilder create = new StringBuilder("CREATE DATABASE " + connection.quoteIdentifier(database));
            BinlogConnectorConnection.DatabaseLocales locale = locales.get(database);
            if (locale != null) {
                locale.appendToDdlStatement(database, create);
            }
            parse(partition, offset, database, create.toString());
            parse(partition, offset, database, "USE " + connection.quoteIdentifier(database));
            for (TableId table : db.getValue()) {
                String ddl = known.containsKey(table) ? known.get(table) : showCreate(connection, table);
                // Debezium's parser keeps a table it knows when it meets its CREATE TABLE again: a structure read
                // again after an ALTER would be the old one (rows read in the new shape converted by the old).
                parse(partition, offset, database, "DROP TABLE IF EXISTS " + connection.quotedTableIdString(table));
                parse(partition, offset, database, ddl);
                Table parsed = schema.tableFor(table);
                if (parsed == null) {
                    throw new IllegalStateException("Debezium's parser did not take up " + table + " from: " + ddl);
                }
                schema.refresh(parsed);
                parsedStatements.put(table, ddl);
                rowConverters.remove(table);
            }
        }
    }

    private void parse(MySqlPartition partition, MySqlOffsetContext offset, String database, String ddl) {
        schema.parseSnapshotDdl(partition, ddl, database, offset, Instant.now());
    }

    public Table table(TableId id) {
        return schema.tableFor(id);
    }

    @Override
    public void close() {
        if (schema != null) {
            schema.close();
        }
        EngineStateRegistry.unregister(engineId);
    }
}
