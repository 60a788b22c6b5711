package io.tributary.job.enrich;

import io.tributary.cdc.event.ChangeEvent;
import io.tributary.cdc.event.ColumnSchema;
import java.io.Serializable;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * An enrichment checked against MySQL: the fact table, its lookups in join order and the added
 * columns with their types. Tables are {@code database.table}.
 */
public record Enrichment(String name, String description, String database, String factTable, String factAlias,
                         List<Lookup> lookups, List<AddedColumn> columns) implements Serializable {
    public Enrichment {
        lookups = List.copyOf(lookups);
        columns = List.copyOf(columns);
    }

    /** {@code LEFT JOIN table AS alias ON alias.keyColumn = parentAlias.parentColumn}; keyColumn is the primary key. */
    public record Lookup(String table, String alias, String keyColumn, String parentAlias, String parentColumn)
            implements Serializable {}

    /** A column taken from a lookup, typed as in MySQL but always nullable (LEFT JOIN). */
    public record AddedColumn(String alias, String sourceColumn, ColumnSchema schema) implements Serializable {}

    /** Every table whose changes the enrichment follows. */
    public Set<String> tables() {
        Set<String> tables = new LinkedHashSet<>();
        tables.add(factTable);
        lookups.forEach(l -> tables.add(l.table()));
        return tables;
    }

    /** The enrichment as one MySQL query: what the enriched table must equal (used by verify). */
    public String mysqlQuery() {
        StringBuilder sql = new StringBuilder("SELECT " + quote(factAlias) + ".*");
        columns.forEach(c -> sql.append(", ").append(quote(c.alias())).append('.').append(quote(c.sourceColumn()))
                .append(" AS ").append(quote(c.schema().name())));
        sql.append(" FROM ").append(qualified(factTable)).append(" AS ").append(quote(factAlias));
        lookups.forEach(l -> sql.append(" LEFT JOIN ").append(qualified(l.table())).append(" AS ").append(quote(l.alias()))
                .append(" ON ").append(quote(l.alias())).append('.').append(quote(l.keyColumn())).append(" = ")
                .append(quote(l.parentAlias())).append('.').append(quote(l.parentColumn())));
        return sql.toString();
    }

    private static String qualified(String table) {
        int dot = table.indexOf('.');
        return quote(table.substring(0, dot)) + "." + quote(table.substring(dot + 1));
    }

    private static String quote(String identifier) {
        return "`" + identifier.replace("`", "``") + "`";
    }

    public boolean reads(ChangeEvent event) {
        return tables().contains(event.qualifiedTable())
                || event.op() == ChangeEvent.Op.DDL && tables().stream().anyMatch(t -> t.startsWith(event.database() + "."));
    }
}
