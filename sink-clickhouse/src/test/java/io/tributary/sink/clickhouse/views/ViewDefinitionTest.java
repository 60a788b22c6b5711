package io.tributary.sink.clickhouse.views;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ViewDefinitionTest {
    private static final String REVENUE = """
            -- Revenue per store.
            -- key: store_id
            SELECT store_id, sum(amount * _sign) AS revenue FROM payment__changes GROUP BY store_id;
            """;

    @Test
    void readsHeaderSourceAndQualifiesTheChangelog() {
        ViewDefinition view = ViewDefinition.parse("v.sql", "revenue", REVENUE);
        assertThat(view.description()).isEqualTo("Revenue per store.");
        assertThat(view.keys()).containsExactly("store_id");
        assertThat(view.source()).isEqualTo("payment");
        assertThat(view.selectIn("`shop`")).isEqualTo(
                "SELECT store_id, sum(amount * _sign) AS revenue FROM `shop`.`payment__changes` GROUP BY store_id");
    }

    @Test
    void digestFollowsTheDefinitionNotTheDescription() {
        String a = ViewDefinition.parse("v.sql", "v", REVENUE).digest();
        assertThat(ViewDefinition.parse("v.sql", "v", REVENUE.replace("Revenue per store.", "Other words.")).digest())
                .isEqualTo(a);
        assertThat(ViewDefinition.parse("v.sql", "v", REVENUE.replace("amount", "2 * amount")).digest()).isNotEqualTo(a);
    }

    @Test
    void refusesViewsThatWouldBeWrong() {
        assertThatThrownBy(() -> ViewDefinition.parse("v.sql", "v", "SELECT 1 FROM payment__changes"))
                .hasMessageContaining("-- key:");
        assertThatThrownBy(() -> ViewDefinition.parse("v.sql", "v",
                "-- key: store_id\nSELECT store_id, count() AS n FROM payment__changes GROUP BY store_id"))
                .hasMessageContaining("never uses _sign").hasMessageContaining("updates count twice");
        assertThatThrownBy(() -> ViewDefinition.parse("v.sql", "v",
                "-- key: s\nSELECT s, sum(_sign) AS n FROM payment GROUP BY s"))
                .hasMessageContaining("exactly one changelog table");
        assertThatThrownBy(() -> ViewDefinition.parse("v.sql", "v",
                "-- key: s\nSELECT s, sum(_sign) AS n FROM a__changes JOIN b__changes USING (s) GROUP BY s"))
                .hasMessageContaining("enrichment");
        assertThatThrownBy(() -> ViewDefinition.parse("v.sql", "v",
                "-- key: s\nSELECT s, sum(_sign) AS n FROM db.a__changes GROUP BY s"))
                .hasMessageContaining("without a database");
        assertThatThrownBy(() -> ViewDefinition.parse("v.sql", "v",
                "-- key: s\nSELECT s, sum(_sign) AS n FROM a__changes GROUP BY s; DROP TABLE x"))
                .hasMessageContaining("one statement");
        assertThatThrownBy(() -> ViewDefinition.parse("v.sql", "v", "-- key: a-b\nSELECT 1"))
                .hasMessageContaining("line 1");
    }

    @Test
    void shippedViewsParse() {
        assertThat(ViewFiles.load(Path.of("../sql/views"))).extracting(ViewDefinition::name).contains(
                "revenue_by_store_day", "rentals_by_rating_hour", "open_rentals_by_customer", "film_rentals_by_week");
    }
}
