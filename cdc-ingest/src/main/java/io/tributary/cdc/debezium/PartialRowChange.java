package io.tributary.cdc.debezium;

/**
 * A binlog change of {@code database.table} that does not carry whole rows ({@code problem} says
 * how, naming the session setting that caused it), at the event starting at {@code file}:{@code position}.
 * Found by {@link RowImageGuard}; its table cannot be kept equal from there on.
 */
public record PartialRowChange(String database, String table, String file, long position, String problem) {

    /** {@code db.table}. */
    public String qualifiedTable() {
        return database + "." + table;
    }

    /** What happened, why it matters, how to prevent it and how to recover. */
    public String message() {
        return "A change to table '" + qualifiedTable() + "' at binlog " + file + ":" + position + " " + problem
                + ". Such a change does not say what the table's row holds now, so ClickHouse cannot be kept equal "
                + "from it. To prevent it: keep binlog_row_image = FULL and binlog_row_value_options = '' in every "
                + "session (changing them needs SESSION_VARIABLES_ADMIN or SYSTEM_VARIABLES_ADMIN: REVOKE them from the "
                + "writers that set them). To recover: ./tributary resync --config FILE " + qualifiedTable()
                + " (it re-reads the table online)";
    }
}
