package io.tributary.cdc.debezium;

import static org.assertj.core.api.Assertions.assertThat;

import io.debezium.connector.mysql.jdbc.MySqlConnection;
import io.debezium.relational.TableId;
import io.tributary.cdc.source.MySqlSourceConfig;
import io.tributary.cdc.source.MySqlSourceOptions;
import io.tributary.localservers.MySqlServer;
import io.tributary.localservers.SharedServers;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

/** Debezium's table model as the chunk engine reads it, against the real local MySQL. */
class DebeziumTablesIT {
    /**
     * The chunk engine reads a table's structure before and after each chunk, and converts the rows by it:
     * after an ALTER it must be MySQL's new one. Debezium's parser kept the table it knew when it met its
     * CREATE TABLE again (rows read in the new shape were converted as DECIMAL(12,2): SnapshotDdlIT).
     */
    @Test
    void aStructureReadAgainIsTheOneMySqlHasNow() throws Exception {
        MySqlServer mysql = SharedServers.mysql();
        MySqlSourceConfig config = freshDatabase(mysql, "reload");
        TableId id = new TableId("reload", null, "t");
        try (DebeziumTables tables = new DebeziumTables(config); MySqlConnection c = tables.connect()) {
            tables.prepare(c);
            tables.load(c, List.of(id));
            assertThat(tables.table(id).columnWithName("amount").scale()).contains(2);
            try (Connection a = DriverManager.getConnection(mysql.jdbcUrl(null), mysql.admin().user(), mysql.admin().password());
                 Statement st = a.createStatement()) {
                st.execute("ALTER TABLE reload.t MODIFY amount DECIMAL(14,3), ADD COLUMN extra INT");
            }
            tables.load(c, List.of(id));
            assertThat(tables.table(id).columnWithName("amount").length()).isEqualTo(14);
            assertThat(tables.table(id).columnWithName("extra")).isNotNull();
            assertThat(tables.rowConverter(id).tableSchema().valueSchema().field("amount").schema().parameters())
                    .containsEntry("scale", "3").containsEntry("connect.decimal.precision", "14");
        }
    }

    /**
     * {@link DebeziumTables#current}, asked before and after every chunk: a structure unchanged since its last
     * parse is the same model and converter (not parsed again: the per-table cost of a schema of thousands of
     * tables, docs/scaling.md); after an ALTER it is the new one, and so is its converter.
     */
    @Test
    void theCurrentStructureIsParsedAgainOnlyWhenMySqlChangedIt() throws Exception {
        MySqlServer mysql = SharedServers.mysql();
        TableId id = new TableId("recheck", null, "t");
        try (DebeziumTables tables = new DebeziumTables(freshDatabase(mysql, "recheck")); MySqlConnection c = tables.connect()) {
            tables.prepare(c);
            io.debezium.relational.Table first = tables.current(c, id);
            DebeziumTables.RowConverter converter = tables.rowConverter(id);
            assertThat(tables.current(c, id)).as("unchanged: not parsed again").isSameAs(first);
            assertThat(tables.rowConverter(id)).isSameAs(converter);
            try (Connection a = DriverManager.getConnection(mysql.jdbcUrl(null), mysql.admin().user(), mysql.admin().password());
                 Statement st = a.createStatement()) {
                st.execute("ALTER TABLE recheck.t MODIFY amount DECIMAL(14,3), ADD COLUMN extra INT");
            }
            io.debezium.relational.Table altered = tables.current(c, id);
            assertThat(altered).isNotSameAs(first);
            assertThat(altered.columnWithName("amount").length()).isEqualTo(14);
            assertThat(altered.columnWithName("extra")).isNotNull();
            assertThat(tables.rowConverter(id)).isNotSameAs(converter);
            assertThat(tables.rowConverter(id).tableSchema().valueSchema().field("amount").schema().parameters())
                    .containsEntry("scale", "3");
        }
    }

    /** {@code database} made afresh with {@code t (id INT PRIMARY KEY, amount DECIMAL(12,2))}, and a source reading it. */
    private static MySqlSourceConfig freshDatabase(MySqlServer mysql, String database) throws Exception {
        try (Connection c = DriverManager.getConnection(mysql.jdbcUrl(null), mysql.admin().user(), mysql.admin().password());
             Statement st = c.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS " + database);
            st.execute("CREATE DATABASE " + database);
            st.execute("CREATE TABLE " + database + ".t (id INT PRIMARY KEY, amount DECIMAL(12,2))");
        }
        Configuration conf = new Configuration();
        conf.set(MySqlSourceOptions.HOST, mysql.host());
        conf.set(MySqlSourceOptions.PORT, mysql.port());
        conf.set(MySqlSourceOptions.USER, mysql.cdc().user());
        conf.set(MySqlSourceOptions.PASSWORD, mysql.cdc().password());
        conf.set(MySqlSourceOptions.DATABASES, List.of(database));
        return MySqlSourceConfig.from(conf);
    }
}
