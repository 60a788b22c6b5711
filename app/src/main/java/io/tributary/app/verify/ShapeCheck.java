package io.tributary.app.verify;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What {@code verify} checks besides rows: the ClickHouse view has MySQL's columns, in MySQL's order,
 * with the types docs/type-mapping.md gives them; and no captured database holds, in ClickHouse, a
 * table MySQL no longer has.
 */
final class ShapeCheck {
    private ShapeCheck() {}

    /** A ClickHouse column: name and type as {@code system.columns} gives them. */
    record ClickHouseColumn(String name, String type) {}

    /** Each way the view's columns differ from MySQL's; empty when they do not. */
    static List<String> columns(List<VerifiedColumn> mysql, List<ClickHouseColumn> clickhouse) {
        List<String> problems = new ArrayList<>();
        List<String> mysqlNames = mysql.stream().map(VerifiedColumn::name).toList();
        List<String> clickhouseNames = clickhouse.stream().map(ClickHouseColumn::name).toList();
        if (clickhouse.isEmpty()) {
            problems.add("ClickHouse has no such table or view");
            return problems;
        }
        for (String name : mysqlNames) {
            if (!clickhouseNames.contains(name)) {
                problems.add("column " + name + ": missing in ClickHouse");
            }
        }
        for (String name : clickhouseNames) {
            if (!mysqlNames.contains(name)) {
                problems.add("column " + name + ": only in ClickHouse");
            }
        }
        if (problems.isEmpty() && !mysqlNames.equals(clickhouseNames)) {
            problems.add("columns in another order: MySQL " + mysqlNames + " vs ClickHouse " + clickhouseNames);
        }
        for (VerifiedColumn column : mysql) {
            String expected = ExpectedClickHouseType.of(column);
            clickhouse.stream().filter(c -> c.name().equals(column.name())).findFirst().ifPresent(c -> {
                if (expected != null && !expected.equals(c.type())) {
                    problems.add("column " + column.name() + ": ClickHouse type " + c.type() + ", expected " + expected
                            + " for MySQL " + column.columnType() + (column.nullable() ? " NULL" : " NOT NULL"));
                }
            });
        }
        return problems;
    }

    /**
     * Tables of a ClickHouse database that mirror a MySQL table the pipeline captures but MySQL no
     * longer has: a name {@code X} next to {@code X__versions} or {@code X__changes} (the sink's
     * storage for a table), {@code X} not among {@code captured} nor among the names the pipeline
     * makes of its own ({@code declared}: enrichments and analytics views).
     */
    static List<String> strayTables(Set<String> clickhouseTables, Set<String> captured, Set<String> declared) {
        List<String> stray = new ArrayList<>();
        for (String name : clickhouseTables) {
            boolean mirrors = clickhouseTables.contains(name + "__versions") || clickhouseTables.contains(name + "__changes");
            if (mirrors && !captured.contains(name) && !declared.contains(name)) {
                stray.add(name);
            }
        }
        stray.sort(null);
        return stray;
    }
}
