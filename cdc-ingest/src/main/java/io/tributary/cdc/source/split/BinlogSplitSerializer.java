package io.tributary.cdc.source.split;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import io.tributary.cdc.event.SourcePosition;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/** Checkpoint format of {@link BinlogSplit}. Strings are length-prefixed UTF-8 (no 64 KiB limit). */
public final class BinlogSplitSerializer implements SimpleVersionedSerializer<BinlogSplit> {
    public static final BinlogSplitSerializer INSTANCE = new BinlogSplitSerializer();
    /**
     * 1: offset and schema history; 2: also the tables resynced online; 3: also the server and epoch;
     * 4: also the snapshot's tail (chunks handed out before the binlog reached their high watermark);
     * 5: also the tables an unfinished snapshot has still to read, with their chunks; 6: also the capture
     * filter whose tables ClickHouse holds whole; 7: also the key columns of each chunk of the tail, whose
     * bounds now follow the key's declared order (they followed the table's column order before).
     */
    static final int VERSION = 7;

    @Override
    public int getVersion() {
        return VERSION;
    }

    @Override
    public byte[] serialize(BinlogSplit split) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            write(split, out);
        }
        return bytes.toByteArray();
    }

    public static void write(BinlogSplit split, DataOutputStream out) throws IOException {
        writeString(out, split.offsetKey());
        writeString(out, split.offsetValue());
        out.writeInt(split.schemaHistory().size());
        for (String record : split.schemaHistory()) {
            writeString(out, record);
        }
        out.writeInt(split.resyncs().size());
        for (Map.Entry<String, BinlogSplit.Resync> e : new java.util.TreeMap<>(split.resyncs()).entrySet()) {
            writeString(out, e.getKey());
            out.writeLong(e.getValue().requestedAtMs());
            out.writeLong(e.getValue().position().high());
            out.writeLong(e.getValue().position().low());
        }
        writeString(out, split.serverUuid());
        out.writeInt(split.epoch());
        out.writeInt(split.snapshotTail().size());
        for (BinlogSplit.PendingChunk chunk : split.snapshotTail()) {
            writeString(out, chunk.table());
            writeStrings(out, chunk.keyKinds());
            writeStrings(out, chunk.keyColumns());
            writeStrings(out, chunk.lowerKey());
            writeStrings(out, chunk.upperKey());
            out.writeLong(chunk.high().high());
            out.writeLong(chunk.high().low());
        }
        out.writeInt(split.unfinishedSnapshot().size());
        for (BinlogSplit.UnfinishedTable table : split.unfinishedSnapshot()) {
            writeString(out, table.table());
            writeStrings(out, table.keyColumns());
            writeStrings(out, table.keyKinds());
            out.writeInt(table.chunks().size());
            for (BinlogSplit.RestoredChunk chunk : table.chunks()) {
                writeStrings(out, chunk.lowerKey());
                writeStrings(out, chunk.upperKey());
                out.writeBoolean(chunk.done());
            }
        }
        out.writeBoolean(split.captured() != null);
        if (split.captured() != null) {
            writeStrings(out, split.captured().databases());
            writeStrings(out, split.captured().tables());
        }
    }

    @Override
    public BinlogSplit deserialize(int version, byte[] serialized) throws IOException {
        if (version < 1 || version > VERSION) {
            throw new IOException("unknown binlog split format version " + version);
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized))) {
            return read(in, version);
        }
    }

    public static BinlogSplit read(DataInputStream in, int version) throws IOException {
        String key = readString(in);
        String value = readString(in);
        int n = in.readInt();
        List<String> history = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            history.add(readString(in));
        }
        Map<String, BinlogSplit.Resync> resyncs = new HashMap<>();
        int r = version >= 2 ? in.readInt() : 0;
        for (int i = 0; i < r; i++) {
            String table = readString(in);
            long requestedAt = in.readLong();
            resyncs.put(table, new BinlogSplit.Resync(requestedAt, new SourcePosition(in.readLong(), in.readLong())));
        }
        String serverUuid = version >= 3 ? readString(in) : null;
        int epoch = version >= 3 ? in.readInt() : 0;
        int t = version >= 4 ? in.readInt() : 0;
        List<BinlogSplit.PendingChunk> tail = new ArrayList<>(t);
        for (int i = 0; i < t; i++) {
            String table = readString(in);
            List<String> kinds = readStrings(in);
            List<String> columns = version >= 7 ? readStrings(in) : List.of();
            List<String> lower = readStrings(in);
            List<String> upper = readStrings(in);
            tail.add(new BinlogSplit.PendingChunk(table, kinds, columns, lower, upper,
                    new SourcePosition(in.readLong(), in.readLong())));
        }
        int u = version >= 5 ? in.readInt() : 0;
        List<BinlogSplit.UnfinishedTable> unfinished = new ArrayList<>(u);
        for (int i = 0; i < u; i++) {
            String table = readString(in);
            List<String> columns = readStrings(in);
            List<String> kinds = readStrings(in);
            int c = in.readInt();
            List<BinlogSplit.RestoredChunk> chunks = new ArrayList<>(c);
            for (int j = 0; j < c; j++) {
                chunks.add(new BinlogSplit.RestoredChunk(readStrings(in), readStrings(in), in.readBoolean()));
            }
            // Before format 7 a composite key's bounds followed the table's column order, which may not be the key's:
            // such a table is read again whole.
            unfinished.add(version < 7 && columns.size() > 1 ? BinlogSplit.UnfinishedTable.whole(table)
                    : new BinlogSplit.UnfinishedTable(table, columns, kinds, chunks));
        }
        io.tributary.cdc.source.CaptureFilter captured = version >= 6 && in.readBoolean()
                ? new io.tributary.cdc.source.CaptureFilter(readStrings(in), readStrings(in)) : null;
        return new BinlogSplit(key, value, history, resyncs, serverUuid, epoch, tail, unfinished, captured);
    }

    /** A list of strings, or -1 for null. */
    private static void writeStrings(DataOutputStream out, List<String> values) throws IOException {
        if (values == null) {
            out.writeInt(-1);
            return;
        }
        out.writeInt(values.size());
        for (String v : values) {
            writeString(out, v);
        }
    }

    private static List<String> readStrings(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            return null;
        }
        List<String> values = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            values.add(readString(in));
        }
        return values;
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        if (s == null) {
            out.writeInt(-1);
            return;
        }
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static String readString(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            return null;
        }
        byte[] b = in.readNBytes(n);
        if (b.length != n) {
            throw new IOException("truncated binlog split state");
        }
        return new String(b, StandardCharsets.UTF_8);
    }
}
