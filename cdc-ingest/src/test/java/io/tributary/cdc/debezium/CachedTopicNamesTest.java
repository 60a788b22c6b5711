package io.tributary.cdc.debezium;

import static org.assertj.core.api.Assertions.assertThat;

import io.debezium.relational.TableId;
import io.debezium.schema.DefaultTopicNamingStrategy;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class CachedTopicNamesTest {
    @Test
    void namesAreDebeziumsAndBuiltOncePerTable() {
        Properties props = new Properties();
        props.setProperty("topic.prefix", "tributary");
        CachedTopicNames cached = new CachedTopicNames(props);
        DefaultTopicNamingStrategy debezium = new DefaultTopicNamingStrategy(props);
        TableId orders = new TableId("shop", null, "orders");
        TableId odd = new TableId("shop", null, "order lines$");

        assertThat(cached.dataChangeTopic(orders)).isEqualTo(debezium.dataChangeTopic(orders)).isEqualTo("tributary.shop.orders");
        assertThat(cached.dataChangeTopic(odd)).isEqualTo(debezium.dataChangeTopic(odd));
        assertThat(cached.dataChangeTopic(new TableId("shop", null, "orders"))).isSameAs(cached.dataChangeTopic(orders));
    }

}
