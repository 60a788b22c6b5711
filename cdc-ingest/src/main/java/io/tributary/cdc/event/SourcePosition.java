package io.tributary.cdc.event;

import java.math.BigInteger;

/**
 * Where a change comes from in MySQL's binlog, as a 128-bit number that orders every change
 * of a key: {@code high = epoch << 56 | binlog file index << 32 | event position},
 * {@code low = row index + 1} for binlog rows and {@code 0} for snapshot rows; for the rows of a
 * transaction compressed into one payload event ({@code binlog_transaction_compression=ON}), whose
 * inner events share the payload's position, {@code low = event index in the payload << 32 | row index + 1}.
 * A snapshot taken
 * at position P therefore sorts before every binlog event at or after P. It is the ClickHouse row
 * version, so it is deterministic: a replay of the same event yields the same version.
 *
 * <p>The epoch counts switches to another MySQL server (a failover by GTID set). Each server
 * numbers its binlog files its own way, so positions read after a switch could be lower than
 * those read before it; the switch raises the epoch, and everything read after it sorts after
 * everything read before.
 */
public record SourcePosition(long high, long low) implements Comparable<SourcePosition> {
    public static final SourcePosition ZERO = new SourcePosition(0, 0);
    /** Epochs use bits 56..62 of {@code high} (bit 63 stays clear: versions are unsigned). */
    public static final int MAX_EPOCH = 127;
    /** Binlog file indexes use bits 32..55 of {@code high}: 16.7 million files. */
    static final long MAX_FILE_INDEX = 0xFF_FFFFL;

    public static SourcePosition snapshot(String binlogFile, long position) {
        return new SourcePosition(encodeHigh(binlogFile, position), 0);
    }

    public static SourcePosition binlog(String binlogFile, long eventPosition, int rowInEvent) {
        return binlog(binlogFile, eventPosition, 0, rowInEvent);
    }

    /**
     * A row of the {@code eventInPayload}-th row event inside the compressed transaction payload at
     * {@code eventPosition} (0 outside a payload: the event has a position of its own).
     */
    public static SourcePosition binlog(String binlogFile, long eventPosition, long eventInPayload, int rowInEvent) {
        if (rowInEvent < 0) {
            throw new IllegalArgumentException("negative row index " + rowInEvent + " in " + binlogFile + ":" + eventPosition);
        }
        if (eventInPayload < 0 || eventInPayload > 0x7FFF_FFFFL) {
            throw new IllegalArgumentException("event index " + eventInPayload + " in the transaction payload at "
                    + binlogFile + ":" + eventPosition + " is out of range");
        }
        return new SourcePosition(encodeHigh(binlogFile, eventPosition), eventInPayload << 32 | (rowInEvent + 1L));
    }

    static long encodeHigh(String binlogFile, long position) {
        if (position < 0 || position > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("binlog position " + position + " in " + binlogFile + " is out of range");
        }
        return (binlogFileIndex(binlogFile) << 32) | position;
    }

    /** {@code binlog.000042} -> 42; the numeric suffix MySQL increases with every new binlog file. */
    public static long binlogFileIndex(String binlogFile) {
        if (binlogFile == null) {
            throw new IllegalArgumentException("change event without a binlog file name");
        }
        int dot = binlogFile.lastIndexOf('.');
        long index;
        try {
            index = Long.parseLong(binlogFile.substring(dot + 1));
        } catch (NumberFormatException | IndexOutOfBoundsException e) {
            throw new IllegalArgumentException("binlog file name '" + binlogFile + "' does not end in a sequence number", e);
        }
        if (index < 0 || index > MAX_FILE_INDEX) {
            throw new IllegalArgumentException("binlog file '" + binlogFile + "' is numbered beyond " + MAX_FILE_INDEX
                    + ", the highest file number Tributary's row versions hold");
        }
        return index;
    }

    /** The same position in {@code epoch}; positions are built in epoch 0 from the binlog coordinates. */
    public SourcePosition withEpoch(int epoch) {
        return new SourcePosition((high & 0x00FF_FFFF_FFFF_FFFFL) | ((long) requireEpoch(epoch) << 56), low);
    }

    public static int requireEpoch(int epoch) {
        if (epoch < 0 || epoch > MAX_EPOCH) {
            throw new IllegalArgumentException("epoch " + epoch + " is out of range 0.." + MAX_EPOCH);
        }
        return epoch;
    }

    public int epoch() {
        return (int) (high >>> 56);
    }

    public long binlogFileIndex() {
        return (high >>> 32) & MAX_FILE_INDEX;
    }

    public long eventPosition() {
        return high & 0xFFFF_FFFFL;
    }

    public boolean isSnapshot() {
        return low == 0;
    }

    /** The version as ClickHouse's UInt128 text. */
    public String toVersionString() {
        return BigInteger.valueOf(high).shiftLeft(64).or(new BigInteger(Long.toUnsignedString(low))).toString();
    }

    public static SourcePosition fromVersionString(String version) {
        BigInteger v = new BigInteger(version);
        return new SourcePosition(v.shiftRight(64).longValue(), v.longValue());
    }

    @Override
    public int compareTo(SourcePosition o) {
        int c = Long.compareUnsigned(high, o.high);
        return c != 0 ? c : Long.compareUnsigned(low, o.low);
    }

    public boolean isAfter(SourcePosition o) {
        return compareTo(o) > 0;
    }

    @Override
    public String toString() {
        return (epoch() == 0 ? "" : "epoch " + epoch() + " ") + "binlog." + String.format("%06d", binlogFileIndex())
                + ":" + eventPosition() + (isSnapshot() ? " (snapshot)"
                : (low >>> 32 == 0 ? "" : " event " + (low >>> 32)) + " row " + ((low & 0xFFFF_FFFFL) - 1));
    }
}
