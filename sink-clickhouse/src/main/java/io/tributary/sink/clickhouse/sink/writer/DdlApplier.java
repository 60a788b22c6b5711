package io.tributary.sink.clickhouse.sink.writer;

import io.tributary.cdc.event.ColumnSchema;
import io.tributary.cdc.event.TableSchema;
import io.tributary.sink.clickhouse.client.ClickHouseHttp;
import io.tributary.sink.clickhouse.schema.DdlStatements;
import io.tributary.sink.clickhouse.schema.StatusTable;
import io.tributary.sink.clickhouse.schema.TableDdl;
import io.tributary.sink.clickhouse.schema.TableNames;
import io.tributary.sink.clickhouse.schema.TruncationsTable;
import io.tributary.sink.clickhouse.sink.ClickHouseSinkConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies renames and drops of MySQL tables and columns to ClickHouse. Every step checks the
 * current state first, so a DDL event replayed after a restart changes nothing the second time.
 */
final class DdlApplier {
    private static final Logger LOG = LoggerFactory.getLogger(DdlApplier.class);
    private final ClickHouseSinkConfig config;
    private final ClickHouseHttp client;
    /** MySQL table ({@code db.t}) to the schema its view was last created with; updated here. */
    private final Map<String, TableSchema> appliedSchemas;

    DdlApplier(ClickHouseSinkConfig config, Map<String, TableSchema> appliedSchemas) {
        this.config = config;
        this.client = config.client();
        this.appliedSchemas = appliedSchemas;
    }

    void apply(DdlStatements.Action action) {
        if (action instanceof DdlStatements.RenameColumn r) {
            renameColumn(r);
        } else if (action instanceof DdlStatements.DropTable d) {
            dropTable(d);
        } else if (action instanceof DdlStatements.RenameTable r) {
            renameTable(r);
        }
    }

    private TableNames names(String mysqlTable) {
        int dot = mysqlTable.indexOf('.');
        return new TableNames(config.targetDatabase(mysqlTable.substring(0, dot)), mysqlTable.substring(dot + 1));
    }

    private List<String> columns(String database, String table) {
        String body = client.query("SELECT name FROM system.columns WHERE database = " + TableNames.literal(database)
                + " AND table = " + TableNames.literal(table) + " ORDER BY position FORMAT TSVRaw");
        return body.isBlank() ? List.of() : List.of(body.split("\n"));
    }

    private void renameColumn(DdlStatements.RenameColumn r) {
        TableNames names = names(r.table());
        String versions = names.table() + TableNames.VERSIONS_SUFFIX;
        List<String> existing = columns(names.database(), versions);
        if (existing.contains(r.from()) && !existing.contains(r.to())) {
            LOG.info("RENAME COLUMN {} -> {} in {}", r.from(), r.to(), names.versions());
            client.query("ALTER TABLE " + names.versions() + " RENAME COLUMN " + TableNames.quote(r.from()) + " TO "
                    + TableNames.quote(r.to()) + " SETTINGS mutations_sync = 2");
        }
        TableSchema schema = appliedSchemas.get(r.table());
        if (schema != null) {
            List<ColumnSchema> renamed = new ArrayList<>();
            for (ColumnSchema c : schema.columns()) {
                renamed.add(c.name().equals(r.from())
                        ? new ColumnSchema(r.to(), c.sourceType(), c.length(), c.scale(), c.nullable(), c.key(), c.defaultValue())
                        : c);
            }
            TableSchema now = new TableSchema(renamed);
            client.query(TableDdl.createView(names, now, config.statusDatabase()));
            appliedSchemas.put(r.table(), now);
        }
    }

    private void dropTable(DdlStatements.DropTable d) {
        TableNames names = names(d.table());
        LOG.info("DROP TABLE {}: dropping {} and {}", d.table(), names.view(), names.versions());
        client.query("DROP VIEW IF EXISTS " + names.view());
        client.query("DROP TABLE IF EXISTS " + names.versions() + " SYNC");
        for (String statusTable : List.of(TruncationsTable.qualifiedName(config.statusDatabase()),
                StatusTable.qualifiedName(config.statusDatabase()))) {
            client.query("ALTER TABLE " + statusTable + " DELETE WHERE database = " + TableNames.literal(names.database())
                    + " AND table = " + TableNames.literal(names.table()) + " SETTINGS mutations_sync = 2");
        }
        appliedSchemas.remove(d.table());
    }

    private void renameTable(DdlStatements.RenameTable r) {
        TableNames from = names(r.from());
        TableNames to = names(r.to());
        List<String> viewColumns = columns(from.database(), from.table());
        boolean moved = !columns(from.database(), from.table() + TableNames.VERSIONS_SUFFIX).isEmpty()
                && columns(to.database(), to.table() + TableNames.VERSIONS_SUFFIX).isEmpty();
        if (moved) {
            LOG.info("RENAME TABLE {} -> {}", r.from(), r.to());
            client.query(TableDdl.createDatabase(to.database()));
            client.query("RENAME TABLE " + from.versions() + " TO " + to.versions());
            client.query("INSERT INTO " + TruncationsTable.qualifiedName(config.statusDatabase())
                    + " SELECT database, " + TableNames.literal(to.table()) + ", version, position, truncated_at FROM "
                    + TruncationsTable.qualifiedName(config.statusDatabase()) + " WHERE database = "
                    + TableNames.literal(from.database()) + " AND table = " + TableNames.literal(from.table()));
        }
        TableSchema schema = appliedSchemas.remove(r.from());
        if (schema == null && !viewColumns.isEmpty()) {
            // After a restart the schema is not known yet: the old view has exactly MySQL's columns.
            schema = new TableSchema(viewColumns.stream().map(c -> new ColumnSchema(c, "", -1, -1, true, false)).toList());
        }
        client.query("DROP VIEW IF EXISTS " + from.view());
        client.query("ALTER TABLE " + StatusTable.qualifiedName(config.statusDatabase()) + " DELETE WHERE database = "
                + TableNames.literal(from.database()) + " AND table = " + TableNames.literal(from.table())
                + " SETTINGS mutations_sync = 2"); // the new name gets its own status with the next rows
        if (schema != null && !columns(to.database(), to.table() + TableNames.VERSIONS_SUFFIX).isEmpty()) {
            client.query(TableDdl.createView(to, schema, config.statusDatabase()));
            appliedSchemas.put(r.to(), schema);
        }
    }
}
