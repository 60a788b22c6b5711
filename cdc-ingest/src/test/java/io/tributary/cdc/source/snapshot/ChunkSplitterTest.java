package io.tributary.cdc.source.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChunkSplitterTest {
    private static List<Long> bounds(long min, long max, long width) {
        return ChunkSplitter.upperBounds(BigInteger.valueOf(min), BigInteger.valueOf(max), BigInteger.valueOf(width))
                .stream().map(BigInteger::longValueExact).toList();
    }

    @Test
    void theFirstChunksRampUpToTheFullWidth() {
        // 1/16, 1/8, 1/4, 1/2 of 1,600 keys, then 1,600 apiece; the last chunk (open above) takes the rest
        assertThat(bounds(1, 10_000, 1_600)).containsExactly(100L, 300L, 700L, 1_500L, 3_100L, 4_700L, 6_300L, 7_900L, 9_500L);
    }

    @Test
    void boundsAreContiguousAndEndBelowTheLargestKey() {
        List<Long> uppers = bounds(-5, 1_000_003, 50_000);
        assertThat(uppers).isSorted().doesNotHaveDuplicates();
        assertThat(uppers.get(0)).isEqualTo(-5 + 50_000 / 16 - 1);
        assertThat(uppers.get(uppers.size() - 1)).isLessThan(1_000_003);
        for (int i = ChunkSplitter.RAMP + 1; i < uppers.size(); i++) {
            assertThat(uppers.get(i) - uppers.get(i - 1)).isEqualTo(50_000);
        }
    }

    @Test
    void aNarrowWidthStillAdvancesOneKeyAChunk() {
        // 3 >> 4, 3 >> 3 and 3 >> 2 are 0 keys: each ramp chunk still takes one
        assertThat(bounds(0, 5, 3)).containsExactly(0L, 1L, 2L, 3L);
    }

    @Test
    void aSpanOfOneChunkHasNoInnerBound() {
        assertThat(bounds(10, 10, 1_000)).isEmpty();
    }
}
