package io.tributary.cdc.source.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The comparison of weights; {@code KeyWeightsIT} checks it against MySQL's own order. */
class KeyCollationTest {
    /** utf8mb4_general_ci: a space weighs 0020, a tab 0009, 'A' 0041. */
    private static final KeyCollation PAD = new KeyCollation("utf8mb4", "utf8mb4_general_ci", "0020");
    private static final KeyCollation NO_PAD = new KeyCollation("utf8mb4", "utf8mb4_0900_ai_ci", null);

    @Test
    void padSpaceWeightsCompareAsIfTheShorterWentOnInSpaces() {
        String a = PAD.trimmed("00410020");
        assertThat(a).as("trailing spaces are cut off").isEqualTo("0041");
        assertThat(PAD.compare(a, PAD.trimmed("0041"))).as("'a ' = 'a'").isZero();
        assertThat(PAD.compare("00410009", "0041")).as("'a\\t' < 'a' (a tab sorts below the padding)").isNegative();
        assertThat(PAD.compare("0041", "00410009")).isPositive();
        assertThat(PAD.compare("0041", "004100200042")).as("'a' < 'a b'").isNegative();
        assertThat(PAD.compare("0042", "00410042")).as("the first difference decides").isPositive();
    }

    @Test
    void noPadWeightsCompareAsTheyAre() {
        assertThat(NO_PAD.trimmed("1C470209")).isEqualTo("1C470209");
        assertThat(NO_PAD.compare("1C47", "1C470209")).as("a prefix sorts first").isNegative();
        assertThat(NO_PAD.compare("1C47", "1C47")).isZero();
    }

    @Test
    void aCheckpointKeepsTheCollationAsText() {
        assertThat(KeyCollation.parse(PAD.spec())).isEqualTo(PAD);
        assertThat(KeyCollation.parse(NO_PAD.spec())).isEqualTo(NO_PAD);
        KeyOrder order = KeyOrder.ofKindNames(List.of("INTEGER", "COLLATED:" + PAD.spec()), List.of());
        assertThat(order.kindNames()).containsExactly("INTEGER", "COLLATED:utf8mb4:utf8mb4_general_ci:0020");
        assertThat(order.compare(new String[] {"1", "0041"}, new String[] {"1", "00410020"})).isZero();
        assertThat(order.compare(new String[] {"1", "00410009"}, new String[] {"1", "0041"})).isNegative();
    }

    @Test
    void namesSpelledIntoSqlAreMySqlsOwnOnly() {
        assertThatThrownBy(() -> new KeyCollation("utf8mb4", "x) OR (1", null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new KeyCollation("utf8mb4", "utf8mb4_bin", "zz")).isInstanceOf(IllegalArgumentException.class);
        assertThat(PAD.weightOf(PAD.parameter()))
                .isEqualTo("HEX(WEIGHT_STRING(CONVERT(? USING utf8mb4) COLLATE utf8mb4_general_ci))");
    }
}
