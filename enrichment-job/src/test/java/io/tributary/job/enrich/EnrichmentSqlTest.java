package io.tributary.job.enrich;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class EnrichmentSqlTest {
    @Test
    void parsesJoinsInOrderWithAliasesAndOutputs() {
        EnrichmentSql.Parsed p = EnrichmentSql.parse("f.sql", "rentals", """
                -- Rentals with their film.
                -- Second line.
                SELECT r.*, f.title AS film_title, `f`.rating -- trailing comment
                FROM sakila.rental AS r
                LEFT JOIN inventory i ON i.inventory_id = r.inventory_id
                left outer join film f on r.x = r.y
                """.replace("r.x = r.y", "f.film_id = i.film_id"));
        assertThat(p.description()).isEqualTo("Rentals with their film. Second line.");
        assertThat(p.factTable()).isEqualTo("sakila.rental");
        assertThat(p.factAlias()).isEqualTo("r");
        assertThat(p.joins()).containsExactly(
                new EnrichmentSql.Join("inventory", "i", "inventory_id", "r", "inventory_id"),
                new EnrichmentSql.Join("film", "f", "film_id", "i", "film_id"));
        assertThat(p.outputs()).containsExactly(new EnrichmentSql.Output("f", "title", "film_title"),
                new EnrichmentSql.Output("f", "rating", "rating"));
    }

    @Test
    void joinConditionMayBeWrittenEitherWayRound() {
        EnrichmentSql.Parsed p = EnrichmentSql.parse("f.sql", "x",
                "SELECT rental.*, staff.store_id AS store FROM rental LEFT JOIN staff ON rental.staff_id = staff.staff_id;");
        assertThat(p.joins()).containsExactly(new EnrichmentSql.Join("staff", "staff", "staff_id", "rental", "staff_id"));
    }

    @Test
    void everyMistakeIsNamed() {
        assertError("SELECT f.title FROM rental LEFT JOIN film f ON f.film_id = rental.film_id", "must start with rental.*");
        assertError("SELECT rental.* FROM rental LEFT JOIN film f ON f.film_id = rental.film_id", "adds no column");
        assertError("SELECT rental.*, f.title FROM rental JOIN film f ON f.film_id = rental.film_id", "only LEFT JOINs");
        assertError("SELECT rental.*, f.title FROM rental LEFT JOIN film f ON f.film_id = rental.film_id WHERE 1",
                "no WHERE");
        assertError("SELECT rental.*, f.title FROM rental LEFT JOIN film f ON f.film_id = rental.film_id AND f.x = 1",
                "exactly one condition");
        assertError("SELECT rental.*, f.title FROM rental LEFT JOIN film f ON g.film_id = rental.film_id",
                "must join 'f.<its primary key>");
        assertError("SELECT rental.*, f.title FROM rental LEFT JOIN film f ON f.film_id = later.film_id",
                "must join");
        assertError("SELECT rental.*, f.title, f.rating AS title FROM rental LEFT JOIN film f ON f.film_id = rental.film_id",
                "appears twice");
        assertError("SELECT rental.*, f.* FROM rental LEFT JOIN film f ON f.film_id = rental.film_id", "name the columns");
        assertError("SELECT rental.*, rental.x AS y FROM rental LEFT JOIN film f ON f.film_id = rental.film_id",
                "must come from a joined table");
        assertError("SELECT rental.*, f.title FROM rental LEFT JOIN film f ON f.film_id = rental.film_id "
                + "LEFT JOIN film f ON f.film_id = rental.film_id", "used twice");
        assertThatThrownBy(() -> EnrichmentSql.parse("Bad-Name.sql", "Bad-Name", "SELECT 1"))
                .hasMessageContaining("lower-case");
    }

    @Test
    void shippedEnrichmentFilesParse() throws Exception {
        try (var files = Files.list(Path.of("../sql/enrichments"))) {
            for (Path file : files.toList()) {
                String name = file.getFileName().toString().replace(".sql", "");
                assertThat(EnrichmentSql.parse(file.toString(), name, Files.readString(file)).outputs()).isNotEmpty();
            }
        }
    }

    private static void assertError(String sql, String message) {
        assertThatThrownBy(() -> EnrichmentSql.parse("e.sql", "e", sql))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("e.sql: ").hasMessageContaining(message);
    }
}
