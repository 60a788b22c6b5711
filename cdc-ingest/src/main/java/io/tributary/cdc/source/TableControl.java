package io.tributary.cdc.source;

import java.io.Serializable;
import java.util.Map;

/**
 * Where parked tables and resync requests are kept, shared by the source, the sink and the
 * {@code resync} command (Tributary keeps them in ClickHouse). A parked table's rows are skipped
 * so the other tables keep flowing; a resync re-reads it online and un-parks it.
 */
public interface TableControl extends Serializable {
    /** The latest thing that happened to a table. */
    enum State { PARKED, RESYNC_REQUESTED, RESYNCED }

    /** {@code position} is a binlog position as text; {@code message} the error or a note. */
    record TableState(State state, long atMs, String position, String message) {}

    /** The latest state of every table that was ever parked or resynced, by {@code db.table}. */
    Map<String, TableState> states();

    /** Parks {@code table}: its rows are skipped until a resync; the error and position are shown in /status. */
    void park(String table, String position, String error);

    /** Records that the resync requested at {@code requestedAtMs} read the table at {@code position}. */
    void resynced(String table, long requestedAtMs, String position);

    /** No parking: every error stops the pipeline (unit tests, tools that only read). */
    TableControl NONE = new None();

    final class None implements TableControl {
        private None() {}

        @Override
        public Map<String, TableState> states() {
            return Map.of();
        }

        @Override
        public void park(String table, String position, String error) {
            throw new IllegalStateException(table + " cannot be parked (no table control configured): " + error);
        }

        @Override
        public void resynced(String table, long requestedAtMs, String position) {}

        private Object readResolve() {
            return NONE;
        }
    }
}
