package io.tributary.cdc.source.reader;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.Test;

class SnapshotChunkTest {
    private static final java.util.function.UnaryOperator<String> QUOTE = name -> "`" + name + "`";

    @Test
    void slicesCoverTheKeyRangeWithOpenOuterBounds() {
        List<SnapshotChunk> chunks = SnapshotChunk.split("db", "t", "id", BigInteger.ONE, BigInteger.valueOf(1000),
                1000, 250);
        assertThat(chunks).hasSize(4);
        assertThat(chunks).extracting(c -> c.where(QUOTE)).containsExactly(
                " WHERE `id` < 251",
                " WHERE `id` >= 251 AND `id` < 501",
                " WHERE `id` >= 501 AND `id` < 751",
                " WHERE `id` >= 751");
        assertThat(chunks).extracting(SnapshotChunk::index).containsExactly(0, 1, 2, 3);
        assertThat(chunks).allMatch(c -> c.count() == 4);
    }

    @Test
    void everyKeyFallsInExactlyOneSlice() {
        BigInteger min = BigInteger.valueOf(-17);
        BigInteger max = BigInteger.valueOf(1_000_003);
        List<SnapshotChunk> chunks = SnapshotChunk.split("db", "t", "id", min, max, 1_000_000, 70_000);
        for (long key = -100; key <= 1_000_100; key += 997) {
            BigInteger k = BigInteger.valueOf(key);
            long holders = chunks.stream().filter(c -> (c.from() == null || k.compareTo(c.from()) >= 0)
                    && (c.to() == null || k.compareTo(c.to()) < 0)).count();
            assertThat(holders).as("slices holding key %d", key).isEqualTo(1);
        }
    }

    @Test
    void unsignedBigintKeysBeyondLongStayExact() {
        BigInteger max = new BigInteger("18446744073709551615");
        BigInteger min = max.subtract(BigInteger.valueOf(99));
        List<SnapshotChunk> chunks = SnapshotChunk.split("db", "t", "id", min, max, 100, 50);
        assertThat(chunks).hasSize(2);
        assertThat(chunks.get(0).where(QUOTE)).isEqualTo(" WHERE `id` < 18446744073709551566");
        assertThat(chunks.get(1).where(QUOTE)).isEqualTo(" WHERE `id` >= 18446744073709551566");
    }

    @Test
    void smallEmptyOrUnkeyedTablesAreOneSlice() {
        assertThat(SnapshotChunk.split("db", "t", "id", BigInteger.ONE, BigInteger.valueOf(10), 10, 50_000))
                .containsExactly(SnapshotChunk.whole("db", "t"));
        assertThat(SnapshotChunk.split("db", "t", "id", null, null, 0, 50_000))
                .containsExactly(SnapshotChunk.whole("db", "t"));
        assertThat(SnapshotChunk.split("db", "t", null, null, null, 5_000_000, 50_000))
                .containsExactly(SnapshotChunk.whole("db", "t"));
        assertThat(SnapshotChunk.whole("db", "t").where(QUOTE)).isEmpty();
    }

    @Test
    void neverMoreSlicesThanKeys() {
        // MySQL's estimate says a million rows, but the keys span only 3 values.
        assertThat(SnapshotChunk.split("db", "t", "id", BigInteger.ONE, BigInteger.valueOf(3), 1_000_000, 10))
                .hasSize(3);
    }
}
