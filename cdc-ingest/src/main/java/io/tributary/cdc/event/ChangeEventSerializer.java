package io.tributary.cdc.event;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

/**
 * Flink serializer for {@link ChangeEvent}: a compact binary layout instead of Kryo, which
 * is slow and cannot rebuild the immutable collections the event holds.
 */
public final class ChangeEventSerializer extends TypeSerializerSingleton<ChangeEvent> {
    public static final ChangeEventSerializer INSTANCE = new ChangeEventSerializer();
    private static final ChangeEvent.Op[] OPS = ChangeEvent.Op.values();
    private static final int NULLABLE = 1;
    private static final int KEY = 2;
    private static final int HAS_DEFAULT = 4;

    @Override
    public boolean isImmutableType() {
        return true;
    }

    @Override
    public ChangeEvent createInstance() {
        return null;
    }

    @Override
    public ChangeEvent copy(ChangeEvent from) {
        return from;
    }

    @Override
    public ChangeEvent copy(ChangeEvent from, ChangeEvent reuse) {
        return from;
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(ChangeEvent e, DataOutputView out) throws IOException {
        out.writeUTF(e.database());
        out.writeUTF(e.table());
        out.writeByte(e.op().ordinal());
        out.writeLong(e.position().high());
        out.writeLong(e.position().low());
        out.writeLong(e.sourceTimestampMs());
        List<ColumnSchema> columns = e.schema().columns();
        out.writeInt(columns.size());
        for (ColumnSchema c : columns) {
            out.writeUTF(c.name());
            out.writeUTF(c.sourceType());
            out.writeInt(c.length());
            out.writeInt(c.scale());
            out.writeByte((c.nullable() ? NULLABLE : 0) | (c.key() ? KEY : 0) | (c.defaultValue() != null ? HAS_DEFAULT : 0));
            if (c.defaultValue() != null) {
                StringValue.writeString(c.defaultValue(), out);
            }
        }
        for (int i = 0; i < columns.size(); i++) {
            StringValue.writeString(e.value(i), out);
        }
        if (e.op() == ChangeEvent.Op.DDL) {
            StringValue.writeString(e.ddl(), out);
        }
        if (e.op() == ChangeEvent.Op.SNAPSHOT_BEGIN) {
            writeScope(e.scope(), out);
        }
        out.writeBoolean(e.hasBefore());
        if (e.hasBefore()) {
            for (int i = 0; i < columns.size(); i++) {
                StringValue.writeString(e.beforeValue(i), out);
            }
        }
    }

    @Override
    public ChangeEvent deserialize(DataInputView in) throws IOException {
        String database = in.readUTF();
        String table = in.readUTF();
        ChangeEvent.Op op = OPS[in.readByte()];
        SourcePosition position = new SourcePosition(in.readLong(), in.readLong());
        long ts = in.readLong();
        int n = in.readInt();
        List<ColumnSchema> columns = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String name = in.readUTF();
            String type = in.readUTF();
            int length = in.readInt();
            int scale = in.readInt();
            int flags = in.readByte();
            String defaultValue = (flags & HAS_DEFAULT) != 0 ? StringValue.readString(in) : null;
            columns.add(new ColumnSchema(name, type, length, scale, (flags & NULLABLE) != 0, (flags & KEY) != 0,
                    defaultValue));
        }
        String[] values = new String[n];
        for (int i = 0; i < n; i++) {
            values[i] = StringValue.readString(in);
        }
        String ddl = op == ChangeEvent.Op.DDL ? StringValue.readString(in) : null;
        SnapshotScope scope = op == ChangeEvent.Op.SNAPSHOT_BEGIN ? readScope(in) : null;
        String[] before = null;
        if (in.readBoolean()) {
            before = new String[n];
            for (int i = 0; i < n; i++) {
                before[i] = StringValue.readString(in);
            }
        }
        if (scope != null) {
            return ChangeEvent.snapshotBegin(database, table, position, ts, scope, TableSchema.interned(columns));
        }
        if (ddl != null) {
            return ChangeEvent.ddl(database, table, position, ts, ddl, TableSchema.interned(columns));
        }
        return ChangeEvent.replacing(database, table, op, position, ts, TableSchema.interned(columns), values, before);
    }

    /** A snapshot's scope (appended to the format: no earlier state holds a {@code SNAPSHOT_BEGIN}). */
    private static void writeScope(SnapshotScope scope, DataOutputView out) throws IOException {
        out.writeInt(scope.keyColumns().size());
        for (String column : scope.keyColumns()) {
            StringValue.writeString(column, out);
        }
        out.writeInt(scope.ranges().size());
        for (SnapshotScope.KeyRange r : scope.ranges()) {
            writeBound(r.lower(), out);
            writeBound(r.upper(), out);
        }
        out.writeInt(scope.chunksDone());
    }

    private static void writeBound(List<String> bound, DataOutputView out) throws IOException {
        out.writeInt(bound == null ? -1 : bound.size());
        if (bound != null) {
            for (String v : bound) {
                StringValue.writeString(v, out);
            }
        }
    }

    private static SnapshotScope readScope(DataInputView in) throws IOException {
        int n = in.readInt();
        List<String> columns = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            columns.add(StringValue.readString(in));
        }
        int r = in.readInt();
        List<SnapshotScope.KeyRange> ranges = new ArrayList<>(r);
        for (int i = 0; i < r; i++) {
            ranges.add(new SnapshotScope.KeyRange(readBound(in), readBound(in)));
        }
        return new SnapshotScope(columns, ranges, in.readInt());
    }

    private static List<String> readBound(DataInputView in) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            return null;
        }
        List<String> bound = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            bound.add(StringValue.readString(in));
        }
        return bound;
    }

    @Override
    public ChangeEvent deserialize(ChangeEvent reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    @Override
    public void copy(DataInputView in, DataOutputView out) throws IOException {
        serialize(deserialize(in), out);
    }

    @Override
    public TypeSerializerSnapshot<ChangeEvent> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Serializer snapshot for checkpoints holding change events. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<ChangeEvent> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
