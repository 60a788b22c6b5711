package io.tributary.sink.clickhouse.schema;

/** Where a MySQL table lands in ClickHouse. */
public record TableNames(String database, String table) {
    /** Suffix of the versioned table behind each user-facing view. */
    public static final String VERSIONS_SUFFIX = "__versions";

    /** Suffix of the changelog (signed rows) of a table that analytics views read. */
    public static final String CHANGES_SUFFIX = "__changes";

    public String changes() {
        return quote(database) + "." + quote(table + CHANGES_SUFFIX);
    }

    public String view() {
        return quote(database) + "." + quote(table);
    }

    public String versions() {
        return quote(database) + "." + quote(table + VERSIONS_SUFFIX);
    }

    public static String quote(String identifier) {
        return "`" + identifier.replace("\\", "\\\\").replace("`", "\\`") + "`";
    }

    /** A ClickHouse string literal. */
    public static String literal(String value) {
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
}
