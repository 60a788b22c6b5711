package io.tributary.cdc.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

class ChangeEventSerializerTest {
    @Test
    void roundTripsEveryField() throws Exception {
        TableSchema schema = new TableSchema(List.of(
                new ColumnSchema("id", "INT UNSIGNED", -1, -1, false, true),
                new ColumnSchema("note", "TEXT", -1, -1, true, false, "a default"),
                new ColumnSchema("blob", "BLOB", -1, -1, true, false)));
        String big = "x".repeat(100_000) + " ✨";
        ChangeEvent event = new ChangeEvent("db", "t", ChangeEvent.Op.DELETE,
                SourcePosition.binlog("binlog.000007", 1234, 3), 1_700_000_000_123L, schema,
                new String[] {"42", big, null});
        DataOutputSerializer out = new DataOutputSerializer(64);
        ChangeEventSerializer.INSTANCE.serialize(event, out);
        ChangeEvent back = ChangeEventSerializer.INSTANCE.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
        assertThat(back).isEqualTo(event);
        assertThat(back.schema()).isEqualTo(schema);
        assertThat(back.key()).isEqualTo(event.key());
        assertThat(back.schema().columns().get(1).defaultValue()).isEqualTo("a default");
    }

    @Test
    void roundTripsTruncateAndDdlEvents() throws Exception {
        TableSchema schema = new TableSchema(List.of(new ColumnSchema("id", "INT", -1, -1, false, true)));
        ChangeEvent truncate = new ChangeEvent("db", "t", ChangeEvent.Op.TRUNCATE,
                SourcePosition.binlog("binlog.000007", 99, 0), 5, schema, new String[] {null});
        ChangeEvent ddl = ChangeEvent.ddl("db", "t", SourcePosition.binlog("binlog.000007", 120, 0), 6,
                "ALTER TABLE t RENAME COLUMN a TO `b ✨`");
        TableSchema altered = new TableSchema(List.of(new ColumnSchema("id", "INT", -1, -1, false, true),
                new ColumnSchema("extra", "INT", -1, -1, false, false, "7")));
        ChangeEvent alter = ChangeEvent.ddl("db", "t", SourcePosition.binlog("binlog.000007", 140, 0), 7,
                "ALTER TABLE t ADD COLUMN extra INT NOT NULL DEFAULT 7", altered);
        assertThat(alter.key()).as("one writer per table, whatever the key columns").isEqualTo("db.t");
        for (ChangeEvent event : List.of(truncate, ddl, alter)) {
            DataOutputSerializer out = new DataOutputSerializer(64);
            ChangeEventSerializer.INSTANCE.serialize(event, out);
            ChangeEvent back = ChangeEventSerializer.INSTANCE.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
            assertThat(back).isEqualTo(event);
            assertThat(back.ddl()).isEqualTo(event.ddl());
            assertThat(back.schema()).isEqualTo(event.schema());
        }
    }

    @Test
    void roundTripsTheReplacedImageOfAnUpdate() throws Exception {
        TableSchema schema = new TableSchema(List.of(new ColumnSchema("id", "INT", -1, -1, false, true),
                new ColumnSchema("note", "TEXT", -1, -1, true, false)));
        ChangeEvent update = ChangeEvent.replacing("db", "t", ChangeEvent.Op.UPDATE,
                SourcePosition.binlog("binlog.000007", 99, 1), 5, schema, new String[] {"1", "new"},
                new String[] {"1", null});
        DataOutputSerializer out = new DataOutputSerializer(64);
        ChangeEventSerializer.INSTANCE.serialize(update, out);
        ChangeEvent back = ChangeEventSerializer.INSTANCE.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
        assertThat(back).isEqualTo(update);
        assertThat(back.before()).containsExactly("1", null);
        assertThat(back.values()).containsExactly("1", "new");
    }

    @Test
    void roundTripsTheScopeOfASnapshotBegin() throws Exception {
        ChangeEvent whole = ChangeEvent.snapshotBegin("db", "t", SourcePosition.snapshot("binlog.000007", 99), 5,
                SnapshotScope.whole());
        ChangeEvent ranges = ChangeEvent.snapshotBegin("db", "t ✨", SourcePosition.snapshot("binlog.000007", 99), 5,
                SnapshotScope.ranges(List.of("a", "b`c"), List.of(
                        new SnapshotScope.KeyRange(null, List.of("10", "-3")),
                        new SnapshotScope.KeyRange(List.of("20", "0"), List.of("30", "18446744073709551615")),
                        new SnapshotScope.KeyRange(List.of("40", "1"), null)), 7));
        // The columns of a table read empty, which the sinks create from its begin.
        ChangeEvent withColumns = ChangeEvent.snapshotBegin("db", "empty", SourcePosition.snapshot("binlog.000007", 99), 5,
                SnapshotScope.whole(), new TableSchema(List.of(new ColumnSchema("id", "INT", 0, 0, false, true),
                        new ColumnSchema("note", "VARCHAR", 20, 0, true, false))));
        for (ChangeEvent event : List.of(whole, ranges, withColumns)) {
            DataOutputSerializer out = new DataOutputSerializer(64);
            ChangeEventSerializer.INSTANCE.serialize(event, out);
            ChangeEvent back = ChangeEventSerializer.INSTANCE.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
            assertThat(back).isEqualTo(event);
            assertThat(back.scope()).isEqualTo(event.scope());
            assertThat(back.schema()).isEqualTo(event.schema());
            assertThat(back.key()).isEqualTo(event.qualifiedTable());
        }
    }
}
