package io.tributary.sink.clickhouse.verify;

import io.tributary.cdc.event.SnapshotScope;
import io.tributary.cdc.source.verify.ClickHouseChecksums;
import io.tributary.cdc.source.verify.RowDigest;
import io.tributary.sink.clickhouse.client.ClickHouseHttp;
import io.tributary.sink.clickhouse.schema.ChunkChecksTable;
import io.tributary.sink.clickhouse.schema.TableDdl;
import io.tributary.sink.clickhouse.schema.TableNames;
import io.tributary.sink.clickhouse.sink.ClickHouseSinkConfig;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/** ClickHouse's side of continuous verification: checksums over a table's view, outcomes in {@link ChunkChecksTable}. */
public final class ClickHouseChunkChecksums implements ClickHouseChecksums {
    private final ClickHouseSinkConfig config;
    private transient ClickHouseHttp client;
    private transient boolean created;

    public ClickHouseChunkChecksums(ClickHouseSinkConfig config) {
        this.config = config;
    }

    private synchronized ClickHouseHttp client() {
        if (client == null) {
            client = config.client();
        }
        return client;
    }

    @Override
    public RowDigest.Checksum checksum(String table, RowDigest digest, SnapshotScope scope, String alsoWhere) {
        String db = table.substring(0, table.indexOf('.'));
        TableNames names = new TableNames(config.targetDatabase(db), table.substring(table.indexOf('.') + 1));
        // The view: the rows as MySQL has them (keyed tables: each key's newest version unless deleted; tables
        // without a key: the changelog's multiset). Bounds are integer literals (SnapshotScope checks them).
        return RowDigest.Checksum.parse(client().query(digest.clickhouseQuery(names.view(),
                        "(" + scope.condition(TableNames::quote) + ") AND (" + alsoWhere + ")"),
                Map.of("readonly", "1")));
    }

    @Override
    public void record(ChunkCheck check) {
        ClickHouseHttp c = client();
        synchronized (this) {
            if (!created) {
                c.query(TableDdl.createDatabase(config.statusDatabase()));
                c.query(ChunkChecksTable.create(config.statusDatabase()));
                created = true;
            }
        }
        c.insert(ChunkChecksTable.qualifiedName(config.statusDatabase()), ChunkChecksTable.COLUMNS, "TabSeparated",
                ChunkChecksTable.row(check.table(), check.keyRange(), check.verdict().name().toLowerCase(Locale.ROOT),
                        check.mysql().rows(), check.mysql().sum(), check.clickhouse().rows(), check.clickhouse().sum(),
                        check.checkedAtMs()).getBytes(StandardCharsets.UTF_8));
    }
}
