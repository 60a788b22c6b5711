package io.tributary.cdc.source.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class GtidSetTest {
    private static final String A = "3E11FA47-71CA-11E1-9E33-C80AA9429562";
    private static final String B = "4f2b9c1e-0000-11e1-9e33-c80aa9429562";

    @Test
    void intervalsAndSingleTransactions() {
        GtidSet set = GtidSet.parse(A + ":1-5:7:10-12,\n" + B + ":3");
        assertThat(set.contains(A.toLowerCase() + ":1")).isTrue();
        assertThat(set.contains(A + ":5")).isTrue();
        assertThat(set.contains(A + ":6")).isFalse();
        assertThat(set.contains(A + ":7")).isTrue();
        assertThat(set.contains(A + ":9")).isFalse();
        assertThat(set.contains(A + ":12")).isTrue();
        assertThat(set.contains(A + ":13")).isFalse();
        assertThat(set.contains(B + ":3")).isTrue();
        assertThat(set.contains(B + ":2")).isFalse();
        assertThat(set.contains("5c000000-0000-11e1-9e33-c80aa9429562:1")).isFalse();
        assertThat(set.transactions()).isEqualTo(5 + 1 + 3 + 1);
    }

    @Test
    void taggedGtidsOfMySql84() {
        GtidSet set = GtidSet.parse(A + ":1-3:etl:1-2");
        assertThat(set.contains(A + ":2")).isTrue();
        assertThat(set.contains(A + ":etl:2")).isTrue();
        assertThat(set.contains(A + ":etl:3")).isFalse();
        assertThat(set.contains(A + ":other:1")).isFalse();
    }

    @Test
    void emptyAndMalformed() {
        assertThat(GtidSet.parse("").isEmpty()).isTrue();
        assertThat(GtidSet.parse((String) null).contains(A + ":1")).isFalse();
        assertThat(GtidSet.parse(A + ":1").contains(null)).isFalse();
        assertThatThrownBy(() -> GtidSet.parse(A + ":1-x")).hasMessageContaining("not a GTID set");
    }

    @Test
    void ownedGtidsWithTheirThreadsJoinTheExecutedSet() {
        GtidSet set = GtidSet.union(A + ":7#12:8#13", A + ":1-5", "");
        assertThat(set.contains(A + ":8")).isTrue();
        assertThat(set.contains(A + ":3")).isTrue();
        assertThat(set.contains(A + ":6")).isFalse();
    }
}
