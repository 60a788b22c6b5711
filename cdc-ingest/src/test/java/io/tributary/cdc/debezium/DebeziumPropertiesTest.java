package io.tributary.cdc.debezium;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DebeziumPropertiesTest {
    @Test
    void tableNamesAreMatchedLiterally() {
        assertThat(DebeziumProperties.quoteRegex("shop.order_items")).isEqualTo("shop\\.order_items");
        assertThat("shopXorder_items").doesNotMatch(DebeziumProperties.quoteRegex("shop.order_items"));
    }
}
