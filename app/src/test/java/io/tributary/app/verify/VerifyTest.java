package io.tributary.app.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The verify oracle without servers: each kind of difference between two row streams and between
 * column lists is reported (a changed value, NULL vs empty string, a missing, extra or duplicated
 * row, a missing or extra column, a different type, a stray table), and equal data is equal.
 */
class VerifyTest {
    private static final List<VerifiedColumn> KEYED = List.of(
            new VerifiedColumn("id", "BIGINT", "bigint unsigned", false, 1),
            new VerifiedColumn("name", "VARCHAR", "varchar(20)", true, 0),
            new VerifiedColumn("doc", "JSON", "json", true, 0),
            new VerifiedColumn("ratio", "DOUBLE", "double", true, 0));
    private static final List<VerifiedColumn> COMPOSITE = List.of(
            new VerifiedColumn("a", "VARCHAR", "varchar(10)", false, 2),
            new VerifiedColumn("b", "INT", "int", false, 1));
    private static final List<VerifiedColumn> KEYLESS = List.of(
            new VerifiedColumn("note", "VARCHAR", "varchar(10)", true, 0),
            new VerifiedColumn("n", "INT", "int", true, 0));

    private static String[] row(String... values) {
        return values;
    }

    private static OrderedRows rows(String[]... rows) {
        Iterator<String[]> it = Arrays.asList(rows).iterator();
        return new OrderedRows() {
            @Override
            public String[] next() {
                return it.hasNext() ? it.next() : null;
            }

            @Override
            public void close() {}
        };
    }

    private static TableVerdict keyed(OrderedRows mysql, OrderedRows clickhouse) throws Exception {
        return new RowMerge(KEYED, new int[] {0}, true).compare("d.t", mysql, clickhouse);
    }

    private static TableVerdict keyless(OrderedRows mysql, OrderedRows clickhouse) throws Exception {
        return new RowMerge(KEYLESS, new int[] {0, 1}, false).compare("d.n", mysql, clickhouse);
    }

    @Test
    void equalRowsAreEqualAndEqualValuesMayBeSpelledDifferently() throws Exception {
        TableVerdict v = keyed(
                rows(row("1", "a", "{\"b\": 1, \"a\": [1, 2.50]}", "3.40282E38"), row("2", null, null, null)),
                rows(row("1", "a", "{\"a\":[1,2.5],\"b\":1}", "3.40282e38"), row("2", null, null, null)));
        assertThat(v.equal()).as(v.describe()).isTrue();
        assertThat(v.mysqlChecksum()).isEqualTo(v.clickhouseChecksum());
        assertThat(v.describe()).contains("rows mysql=2 clickhouse=2").contains("EQUAL");
    }

    @Test
    void aChangedValueNamesTheKeyAndTheColumn() throws Exception {
        TableVerdict v = keyed(rows(row("1", "a", null, "1"), row("2", "b", null, "2")),
                rows(row("1", "a", null, "1"), row("2", "B", null, "2")));
        assertThat(v.equal()).isFalse();
        assertThat(v.differences()).containsExactly("key (id='2'): name: MySQL 'b' vs ClickHouse 'B'");
        assertThat(v.mysqlChecksum()).isNotEqualTo(v.clickhouseChecksum());
    }

    @Test
    void nullIsNotTheEmptyStringNorTheTextNull() throws Exception {
        assertThat(keyed(rows(row("1", null, null, null)), rows(row("1", "", null, null))).differences())
                .containsExactly("key (id='1'): name: MySQL NULL vs ClickHouse ''");
        assertThat(keyed(rows(row("1", null, null, null)), rows(row("1", "NULL", null, null))).differences())
                .containsExactly("key (id='1'): name: MySQL NULL vs ClickHouse 'NULL'");
        assertThat(keyed(rows(row("1", null, "null", null)), rows(row("1", null, null, null))).equal())
                .as("JSON null is a value, SQL NULL is not").isFalse();
    }

    @Test
    void missingExtraAndDuplicatedRowsAreEachReported() throws Exception {
        TableVerdict v = keyed(rows(row("1", "a", null, null), row("2", "b", null, null), row("4", "d", null, null)),
                rows(row("1", "a", null, null), row("3", "c", null, null), row("4", "d", null, null),
                        row("4", "d", null, null)));
        assertThat(v.differences()).containsExactly("key (id='2'): missing in ClickHouse",
                "key (id='3'): only in ClickHouse", "key (id='4'): 1 row(s) in MySQL, 2 in ClickHouse");
        assertThat(v.describe()).contains("rows mysql=3 clickhouse=4").contains("DIFFERENT");
    }

    @Test
    void valuesThatJoinedWouldLookAlikeStayApart() throws Exception {
        // Joined with ", " unescaped these two composite keys and rows would read the same: "x, y".
        TableVerdict v = new RowMerge(COMPOSITE, new int[] {1, 0}, true).compare("d.c",
                rows(row("x, y", "1")), rows(row("x", "1")));
        assertThat(v.differences()).containsExactly("key (b='1', a='x'): only in ClickHouse",
                "key (b='1', a='x, y'): missing in ClickHouse");
        assertThat(RowMerge.quote("it's\\\n")).isEqualTo("'it\\'s\\\\\\n'");
    }

    @Test
    void keylessTablesAreMultisets() throws Exception {
        assertThat(keyless(rows(row("a", "1"), row("a", "1"), row("b", null)),
                rows(row("a", "1"), row("a", "1"), row("b", null))).equal()).isTrue();
        TableVerdict once = keyless(rows(row("a", "1"), row("a", "1")), rows(row("a", "1")));
        assertThat(once.differences()).containsExactly("MySQL has ['a', '1'] once more than ClickHouse");
        TableVerdict extra = keyless(rows(row("a", "1")), rows(row("a", "1"), row("z", "9")));
        assertThat(extra.differences()).containsExactly("row: only in ClickHouse (['z', '9'])");
    }

    @Test
    void aStreamOutOfTheAgreedOrderIsAnErrorNotAVerdict() {
        assertThatThrownBy(() -> keyed(rows(row("1", null, null, null), row("2", null, null, null)),
                rows(row("2", null, null, null), row("1", null, null, null))))
                .hasMessageContaining("ClickHouse returned key (id='1') after key (id='2')")
                .hasMessageContaining("not a difference found");
        assertThat(new VerifiedColumn("k", "VARCHAR", "varchar(5)", false, 1).compareOrder("Z", "a"))
                .as("byte order: 'Z' (0x5A) before 'a' (0x61), as CAST(.. AS BINARY) and ClickHouse sort").isNegative();
        assertThat(new VerifiedColumn("k", "BIGINT", "bigint unsigned", false, 1)
                .compareOrder("9", "18446744073709551615")).isNegative();
        assertThat(new VerifiedColumn("k", "INT", "int", true, 1).compareOrder(null, "-5")).as("NULL first").isNegative();
    }

    @Test
    void columnsTheirOrderAndTypesAreChecked() {
        List<VerifiedColumn> mysql = List.of(new VerifiedColumn("id", "INT", "int unsigned", false, 1),
                new VerifiedColumn("price", "DECIMAL", "decimal(10,2)", true, 0),
                new VerifiedColumn("at", "DATETIME", "datetime(3)", false, 0),
                new VerifiedColumn("flag", "BIT", "bit(1)", false, 0));
        List<ShapeCheck.ClickHouseColumn> same = List.of(new ShapeCheck.ClickHouseColumn("id", "UInt32"),
                new ShapeCheck.ClickHouseColumn("price", "Nullable(Decimal(10, 2))"),
                new ShapeCheck.ClickHouseColumn("at", "DateTime64(3, 'UTC')"),
                new ShapeCheck.ClickHouseColumn("flag", "Bool"));
        assertThat(ShapeCheck.columns(mysql, same)).isEmpty();

        List<ShapeCheck.ClickHouseColumn> changed = new ArrayList<>(same);
        changed.set(1, new ShapeCheck.ClickHouseColumn("price", "Nullable(Float64)"));
        assertThat(ShapeCheck.columns(mysql, changed)).containsExactly(
                "column price: ClickHouse type Nullable(Float64), expected Nullable(Decimal(10, 2)) for MySQL decimal(10,2) NULL");

        assertThat(ShapeCheck.columns(mysql, same.subList(0, 3))).containsExactly("column flag: missing in ClickHouse");
        List<ShapeCheck.ClickHouseColumn> extra = new ArrayList<>(same);
        extra.add(new ShapeCheck.ClickHouseColumn("old", "String"));
        assertThat(ShapeCheck.columns(mysql, extra)).containsExactly("column old: only in ClickHouse");
        List<ShapeCheck.ClickHouseColumn> reordered = List.of(same.get(1), same.get(0), same.get(2), same.get(3));
        assertThat(ShapeCheck.columns(mysql, reordered)).containsExactly(
                "columns in another order: MySQL [id, price, at, flag] vs ClickHouse [price, id, at, flag]");
        assertThat(ShapeCheck.columns(mysql, List.of())).containsExactly("ClickHouse has no such table or view");
    }

    @Test
    void aMirrorOfATableMySqlNoLongerHasIsStray() {
        Set<String> clickhouse = Set.of("orders", "orders__versions", "gone", "gone__versions", "old_log", "old_log__changes",
                "sales_by_day", "sales_by_day__totals", "sales_by_day__mv", "enriched", "enriched__versions", "notes");
        assertThat(ShapeCheck.strayTables(clickhouse, Set.of("orders", "notes"), Set.of("enriched")))
                .containsExactly("gone", "old_log");
    }
}
