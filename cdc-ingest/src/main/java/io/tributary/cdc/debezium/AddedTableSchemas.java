package io.tributary.cdc.debezium;

import io.debezium.document.Array;
import io.debezium.document.Document;
import io.debezium.document.DocumentReader;
import io.debezium.document.DocumentWriter;
import io.tributary.cdc.source.MySqlSourceConfig;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Schema history records for tables a restart's configuration captures and the last run did not.
 * Debezium keeps the structure of captured tables only ({@code store.only.captured.tables.ddl}), so
 * it stopped at the first binlog change of an added table ("Encountered change event for table ...
 * whose schema isn't known to this connector", again at every restart, AddedTableIT). Each record is
 * the table's {@code SHOW CREATE TABLE} now, at the position of the history's last record, so that
 * Debezium's recovery parses it as it parses a streamed CREATE TABLE.
 */
public final class AddedTableSchemas {
    private AddedTableSchemas() {}

    /** Records to append to {@code history} for {@code tables} ({@code db.table}); none for an empty history. */
    public static List<String> records(List<String> history, MySqlSourceConfig config, List<String> tables)
            throws SQLException {
        if (history.isEmpty() || tables.isEmpty()) {
            return List.of();
        }
        Document last;
        try {
            last = DocumentReader.defaultReader().read(history.get(history.size() - 1));
        } catch (IOException e) {
            throw new IllegalStateException("corrupt schema history record in the checkpoint", e);
        }
        List<String> records = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(config.jdbcUrl("&connectTimeout=10000"), config.user(),
                config.password()); Statement st = c.createStatement()) {
            for (String table : tables) {
                String db = table.substring(0, table.indexOf('.'));
                String name = table.substring(table.indexOf('.') + 1);
                try (ResultSet rs = st.executeQuery("SHOW CREATE TABLE `" + db.replace("`", "``") + "`.`"
                        + name.replace("`", "``") + "`")) {
                    if (!rs.next()) {
                        continue; // dropped since it was listed: its DROP is in the binlog
                    }
                    Document record = last.clone();
                    record.setString("databaseName", db);
                    record.setString("ddl", rs.getString(2));
                    record.setArray("tableChanges", Array.create());
                    records.add(DocumentWriter.defaultWriter().write(record));
                } catch (IOException e) {
                    throw new IllegalStateException("cannot write a schema history record for " + table, e);
                }
            }
        }
        return records;
    }
}
