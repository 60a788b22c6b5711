package io.tributary.cdc.source;

import java.io.Serializable;
import java.util.List;

/**
 * Which tables a pipeline captures: those of {@code databases}, all of them when {@code tables} is
 * empty, else those listed ({@code db.table}); names compared ignoring case, as Debezium's include
 * lists do. Kept in the checkpoint, so that a restart with more tables configured can tell which
 * tables start to be captured and read them first.
 */
public record CaptureFilter(List<String> databases, List<String> tables) implements Serializable {
    public CaptureFilter {
        databases = List.copyOf(databases);
        tables = List.copyOf(tables);
    }

    /** Whether {@code database.table} is captured. */
    public boolean captures(String database, String table) {
        if (databases.stream().noneMatch(database::equalsIgnoreCase)) {
            return false;
        }
        String qualified = database + "." + table;
        return tables.isEmpty() || tables.stream().anyMatch(qualified::equalsIgnoreCase);
    }

    /** {@link #captures(String, String)} of a {@code db.table} name. */
    public boolean captures(String qualified) {
        int dot = qualified.indexOf('.');
        return captures(qualified.substring(0, dot), qualified.substring(dot + 1));
    }
}
