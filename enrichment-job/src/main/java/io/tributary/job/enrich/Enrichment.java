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

    /** {@code LEFT JOIN table AS alias ON alias.<primary key> = parentAlias.parentColumn}. */
    public record Lookup(String table, String alias, String parentAlias, String parentColumn) implements Serializable {}

    /** A column taken from a lookup, typed as in MySQL but always nullable (LEFT JOIN). */
    public record AddedColumn(String alias, String sourceColumn, ColumnSchema schema) implements Serializable {}

    /** Every table whose changes the enrichment follows. */
    public Set<String> tables() {
        Set<String> tables = new LinkedHashSet<>();
        tables.add(factTable);
        lookups.forEach(l -> tables.add(l.table()));
        return tables;
    }

    public boolean reads(ChangeEvent event) {
        return tables().contains(event.qualifiedTable())
                || event.op() == ChangeEvent.Op.DDL && tables().stream().anyMatch(t -> t.startsWith(event.database() + "."));
    }
}
