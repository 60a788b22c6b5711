package io.tributary.sink.clickhouse.control;

import io.tributary.cdc.source.TableControl;
import io.tributary.sink.clickhouse.client.ClickHouseHttp;
import io.tributary.sink.clickhouse.client.TsvText;
import io.tributary.sink.clickhouse.schema.TableDdl;
import io.tributary.sink.clickhouse.schema.TableEventsTable;
import io.tributary.sink.clickhouse.sink.ClickHouseSinkConfig;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@link TableControl} kept in ClickHouse ({@link TableEventsTable}), where /status and the CLI see it. */
public final class ClickHouseTableControl implements TableControl {
    private static final int MAX_MESSAGE = 4000;

    private final ClickHouseSinkConfig config;
    private transient ClickHouseHttp client;
    private transient boolean created;

    public ClickHouseTableControl(ClickHouseSinkConfig config) {
        this.config = config;
    }

    private synchronized ClickHouseHttp client() {
        if (client == null) {
            client = config.client();
        }
        if (!created) {
            client.query(TableDdl.createDatabase(config.statusDatabase()));
            client.query(TableEventsTable.create(config.statusDatabase()));
            created = true;
        }
        return client;
    }

    @Override
    public Map<String, TableState> states() {
        return read(client(), config.statusDatabase());
    }

    /** The latest state per table, read-only (what /status shows); empty before anything was parked. */
    public static Map<String, TableState> read(ClickHouseHttp client, String statusDatabase) {
        String exists = client.query("EXISTS TABLE " + TableEventsTable.qualifiedName(statusDatabase),
                Map.of("readonly", "1")).trim();
        if (!"1".equals(exists)) {
            return Map.of();
        }
        Map<String, TableState> states = new LinkedHashMap<>();
        for (String line : client.query(TableEventsTable.latestPerTable(statusDatabase), Map.of("readonly", "1"))
                .split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            String[] f = line.split("\t", -1);
            State state = switch (f[1]) {
                case "parked" -> State.PARKED;
                case "resync_requested" -> State.RESYNC_REQUESTED;
                case "resynced" -> State.RESYNCED;
                default -> throw new IllegalStateException("unknown table event '" + f[1] + "' in " + TableEventsTable.TABLE);
            };
            states.put(TsvText.unescape(f[0]),
                    new TableState(state, Long.parseLong(f[2]), TsvText.unescape(f[3]), TsvText.unescape(f[4])));
        }
        return states;
    }

    @Override
    public void park(String table, String position, String error) {
        append(table, "parked", position, error);
    }

    @Override
    public void resynced(String table, long requestedAtMs, String position) {
        append(table, "resynced", position, "answers the resync requested at " + java.time.Instant.ofEpochMilli(requestedAtMs));
    }

    /** Asks the running pipeline to re-read {@code table}; returns the request's time (epoch ms). */
    public long requestResync(String table) {
        append(table, "resync_requested", "", "requested by ./tributary resync");
        TableState state = states().get(table);
        if (state == null || state.state() != State.RESYNC_REQUESTED) {
            throw new IllegalStateException("the resync request for " + table + " was not recorded in "
                    + TableEventsTable.qualifiedName(config.statusDatabase()));
        }
        return state.atMs();
    }

    private void append(String table, String event, String position, String message) {
        String text = message.length() > MAX_MESSAGE ? message.substring(0, MAX_MESSAGE) + "..." : message;
        client().insert(TableEventsTable.qualifiedName(config.statusDatabase()), TableEventsTable.COLUMNS, "TabSeparated",
                TableEventsTable.row(table, event, position, text).getBytes(StandardCharsets.UTF_8));
    }
}
