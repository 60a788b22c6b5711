package io.tributary.sink.clickhouse.sink.writer;

import io.tributary.cdc.event.ColumnSchema;
import io.tributary.cdc.event.TableSchema;
import io.tributary.sink.clickhouse.client.ClickHouseHttp;
import io.tributary.sink.clickhouse.schema.ClickHouseTypeMapping;
import io.tributary.sink.clickhouse.schema.TableDdl;
import io.tributary.sink.clickhouse.schema.TableNames;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows MySQL's ALTER TABLE in a ClickHouse table that stores a MySQL table's columns: adds new
 * columns (stored rows read MySQL's default) and changes types and nullability. Columns MySQL
 * dropped stay, so rows stored earlier keep their values.
 */
final class ColumnSync {
    private static final Logger LOG = LoggerFactory.getLogger(ColumnSync.class);

    private ColumnSync() {}

    static void sync(ClickHouseHttp client, String database, String table, String mysqlTable, TableSchema schema) {
        String qualified = TableNames.quote(database) + "." + TableNames.quote(table);
        Map<String, String> existing = new HashMap<>();
        for (String line : client.query("SELECT name, type FROM system.columns WHERE database = "
                + TableNames.literal(database) + " AND table = " + TableNames.literal(table) + " FORMAT TSVRaw").split("\n")) {
            String[] f = line.split("\t", 2);
            if (f.length == 2) {
                existing.put(f[0], f[1]);
            }
        }
        for (ColumnSchema column : schema.columns()) {
            String type = existing.get(column.name());
            String wanted = ClickHouseTypeMapping.columnType(mysqlTable, column);
            if (type == null) {
                LOG.info("Adding column {} to {}", column.name(), qualified);
                client.query(TableDdl.addColumn(qualified, mysqlTable, column));
            } else if (!type.equals(wanted)) {
                LOG.info("Changing column {} of {} from {} to {}", column.name(), qualified, type, wanted);
                client.query(TableDdl.modifyColumn(qualified, mysqlTable, column));
            }
        }
    }
}
