package io.tributary.cdc.source.enumerator;

import io.tributary.cdc.source.split.BinlogSplit;
import io.tributary.cdc.source.split.BinlogSplitSerializer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/** Checkpoint format of {@link BinlogEnumeratorState}. */
public final class BinlogEnumeratorStateSerializer implements SimpleVersionedSerializer<BinlogEnumeratorState> {
    /** N: splits of {@link BinlogSplitSerializer} format N (1: offset, 2: with resyncs, 3: with server and epoch). */
    private static final int VERSION = 3;

    @Override
    public int getVersion() {
        return VERSION;
    }

    @Override
    public byte[] serialize(BinlogEnumeratorState state) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(state.unassigned().size());
            for (BinlogSplit split : state.unassigned()) {
                BinlogSplitSerializer.write(split, out);
            }
        }
        return bytes.toByteArray();
    }

    @Override
    public BinlogEnumeratorState deserialize(int version, byte[] serialized) throws IOException {
        if (version < 1 || version > VERSION) {
            throw new IOException("unknown enumerator state format version " + version);
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized))) {
            int n = in.readInt();
            List<BinlogSplit> splits = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                splits.add(BinlogSplitSerializer.read(in, version));
            }
            return new BinlogEnumeratorState(splits);
        }
    }
}
