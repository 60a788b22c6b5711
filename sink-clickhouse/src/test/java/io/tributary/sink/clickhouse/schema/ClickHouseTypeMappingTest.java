package io.tributary.sink.clickhouse.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.cdc.event.ColumnSchema;
import org.junit.jupiter.api.Test;

class ClickHouseTypeMappingTest {
    private static String map(String type, int length, int scale, boolean nullable) {
        return ClickHouseTypeMapping.columnType("db.t", new ColumnSchema("c", type, length, scale, nullable, false));
    }

    @Test
    void integersKeepSignAndWidth() {
        assertThat(map("TINYINT UNSIGNED", -1, -1, false)).isEqualTo("UInt8");
        assertThat(map("MEDIUMINT", -1, -1, false)).isEqualTo("Int32");
        assertThat(map("BIGINT UNSIGNED", -1, -1, false)).isEqualTo("UInt64");
        assertThat(map("INT", -1, -1, true)).isEqualTo("Nullable(Int32)");
    }

    @Test
    void decimalsKeepPrecisionAndScale() {
        assertThat(map("DECIMAL", 65, 30, false)).isEqualTo("Decimal(65, 30)");
        assertThat(map("DECIMAL UNSIGNED", 5, 2, false)).isEqualTo("Decimal(5, 2)");
    }

    @Test
    void temporalTypesKeepFractionalDigits() {
        assertThat(map("DATETIME", 6, -1, false)).isEqualTo("DateTime64(6, 'UTC')");
        assertThat(map("TIMESTAMP", -1, -1, false)).isEqualTo("DateTime64(0, 'UTC')");
        assertThat(map("DATE", -1, -1, true)).isEqualTo("Nullable(Date32)");
        assertThat(map("YEAR", -1, -1, false)).isEqualTo("UInt16");
        assertThat(map("TIME", 3, -1, false)).isEqualTo("String");
    }

    @Test
    void textBinaryAndBitTypes() {
        assertThat(map("ENUM", 1, -1, false)).isEqualTo("String");
        assertThat(map("GEOMETRY", -1, -1, true)).isEqualTo("Nullable(String)");
        assertThat(map("BIT", 1, -1, false)).isEqualTo("Bool");
        assertThat(map("BIT", 64, -1, false)).isEqualTo("UInt64");
    }

    @Test
    void unknownTypesFailNamingTheColumn() {
        assertThatThrownBy(() -> map("VECTOR", 3, -1, false)).hasMessageContaining("db.t.c").hasMessageContaining("VECTOR");
    }

    @Test
    void viewShowsCurrentRowsOnly() {
        var schema = new io.tributary.cdc.event.TableSchema(java.util.List.of(
                new ColumnSchema("id", "INT", -1, -1, false, true), new ColumnSchema("n", "VARCHAR", 5, -1, true, false)));
        TableNames names = new TableNames("sakila", "film");
        assertThat(TableDdl.createView(names, schema, "tributary")).startsWith(
                "CREATE OR REPLACE VIEW `sakila`.`film` AS SELECT `id`, `n` FROM `sakila`.`film__versions` FINAL "
                        + "WHERE `_deleted` = 0 AND `_version` > (SELECT max(version) FROM `tributary`.`truncations` "
                        + "WHERE database = 'sakila' AND table = 'film')");
        assertThat(TableDdl.createVersionsTable(names, "sakila.film", schema))
                .contains("ReplacingMergeTree(`_version`, `_deleted`)").contains("ORDER BY (`id`)");
        assertThat(TableNames.quote("we`ird")).isEqualTo("`we\\`ird`");
    }
}
