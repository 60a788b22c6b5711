package io.tributary.cdc.debezium;

import static org.assertj.core.api.Assertions.assertThat;

import io.debezium.relational.Column;
import io.debezium.relational.Table;
import io.debezium.relational.TableId;
import io.debezium.relational.history.ConnectTableChangeSerializer;
import io.debezium.relational.history.TableChanges;
import io.debezium.schema.SchemaNameAdjuster;
import java.sql.Types;
import java.util.List;
import org.apache.kafka.connect.data.Struct;
import org.junit.jupiter.api.Test;

class TableChangeStructsTest {
    @Test
    void readsBackWhatDebeziumWritesIntoASchemaChangeRecord() {
        Table table = Table.editor().tableId(new TableId("shop", null, "orders"))
                .setDefaultCharsetName("utf8mb4")
                .addColumn(Column.editor().name("id").jdbcType(Types.BIGINT).type("BIGINT UNSIGNED", "BIGINT UNSIGNED")
                        .position(1).optional(false).autoIncremented(true).create())
                .addColumn(Column.editor().name("price").jdbcType(Types.DECIMAL).type("DECIMAL", "DECIMAL")
                        .length(10).scale(2).position(2).optional(true).defaultValueExpression("1.50").create())
                .addColumn(Column.editor().name("state").jdbcType(Types.CHAR).type("ENUM", "ENUM").length(1)
                        .position(3).optional(false).enumValues(List.of("new", "paid")).defaultValueExpression("new")
                        .charsetName("utf8mb4").comment("order state").create())
                .setPrimaryKeyNames("id").create();
        Struct change = new ConnectTableChangeSerializer(SchemaNameAdjuster.NO_OP)
                .toStruct(new TableChanges.TableChange(TableChanges.TableChangeType.ALTER, table));

        Table read = TableChangeStructs.table("shop", "orders", change);

        assertThat(read).isEqualTo(table);
        assertThat(read.columnWithName("price").defaultValueExpression()).contains("1.50");
        assertThat(read.columnWithName("state").enumValues()).containsExactly("new", "paid");
        assertThat(read.primaryKeyColumnNames()).containsExactly("id");
    }
}
