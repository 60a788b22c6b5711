package io.tributary.api.endpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class EndpointFileTest {
    private static final String TOP = """
            -- description: Top films
            -- description: between two days.
            -- cache: 10s
            -- param from: Date, required, "First day, inclusive"
            -- param store_id: UInt8, default 1, min 1, max 2, "Store"
            -- param rating: String, optional, values G|PG|PG-13, "MPAA rating"
            -- param prefix: String, default "", "Title start"
            SELECT * FROM t WHERE d >= {from:Date} AND s = {store_id:UInt8}
              AND ({rating:Nullable(String)} IS NULL OR r = {rating:Nullable(String)}) AND startsWith(t, {prefix:String});
            """;

    @Test
    void parsesHeaderAndQuery() {
        Endpoint e = EndpointFile.parse("top_films.sql", TOP);
        assertThat(e.name()).isEqualTo("top_films");
        assertThat(e.description()).isEqualTo("Top films between two days.");
        assertThat(e.cacheTtl()).isEqualTo(Duration.ofSeconds(10));
        assertThat(e.sql()).startsWith("SELECT").doesNotEndWith(";");
        EndpointParameter from = e.parameter("from").orElseThrow();
        assertThat(from.required()).isTrue();
        assertThat(from.description()).isEqualTo("First day, inclusive");
        EndpointParameter store = e.parameter("store_id").orElseThrow();
        assertThat(store.required()).isFalse();
        assertThat(store.defaultValue()).isEqualTo("1");
        assertThat(store.min()).isEqualTo("1");
        assertThat(store.max()).isEqualTo("2");
        EndpointParameter rating = e.parameter("rating").orElseThrow();
        assertThat(rating.required()).isFalse();
        assertThat(rating.defaultValue()).isNull();
        assertThat(rating.allowedValues()).containsExactly("G", "PG", "PG-13");
        assertThat(e.parameter("prefix").orElseThrow().defaultValue()).isEmpty();
        assertThat(e.version()).isNotEqualTo(EndpointFile.parse("top_films.sql", TOP + " ").version());
    }

    @Test
    void rejectsMistakesNamingFileAndLine() {
        assertThatThrownBy(() -> EndpointFile.parse("Bad-Name.sql", "SELECT 1")).hasMessageContaining("named like");
        assertThatThrownBy(() -> EndpointFile.parse("e.sql", "-- param x: Int33, required\nSELECT {x:Int33}"))
                .hasMessageContaining("e.sql line 1").hasMessageContaining("unsupported parameter type 'Int33'");
        assertThatThrownBy(() -> EndpointFile.parse("e.sql", "SELECT {x:UInt8}"))
                .hasMessageContaining("declares no parameter 'x'");
        assertThatThrownBy(() -> EndpointFile.parse("e.sql", "-- param x: UInt8, required\nSELECT 1"))
                .hasMessageContaining("never uses {x:...}");
        assertThatThrownBy(() -> EndpointFile.parse("e.sql", "-- param x: UInt8, required\nSELECT {x:String}"))
                .hasMessageContaining("does not match the declared type UInt8");
        assertThatThrownBy(() -> EndpointFile.parse("e.sql", "-- param x: UInt8, optional\nSELECT {x:UInt8}"))
                .hasMessageContaining("{x:Nullable(UInt8)}");
        assertThatThrownBy(() -> EndpointFile.parse("e.sql", "-- param x: UInt8, default 300\nSELECT {x:UInt8}"))
                .hasMessageContaining("line 1").hasMessageContaining("outside UInt8");
        assertThatThrownBy(() -> EndpointFile.parse("e.sql", "-- param x: UInt8, default 1, min 2\nSELECT {x:UInt8}"))
                .hasMessageContaining("below the minimum 2");
        assertThatThrownBy(() -> EndpointFile.parse("e.sql", "-- param limit: UInt8, required\nSELECT {limit:UInt8}"))
                .hasMessageContaining("reserved");
        assertThatThrownBy(() -> EndpointFile.parse("e.sql", "-- cache: soon\nSELECT 1"))
                .hasMessageContaining("cache takes a duration");
        assertThatThrownBy(() -> EndpointFile.parse("e.sql", "-- param s: String, min a, optional\nSELECT {s:Nullable(String)}"))
                .hasMessageContaining("cannot have min/max");
        assertThatThrownBy(() -> EndpointFile.parse("e.sql", "-- only a comment\n")).hasMessageContaining("no query");
    }

    @Test
    void decimalPlaceholdersCarryPrecision() {
        Endpoint e = EndpointFile.parse("d.sql", "-- param amount: Decimal, required\nSELECT {amount:Decimal(10, 2)}");
        assertThat(e.parameter("amount").orElseThrow().bind("12.5")).isEqualTo("12.5");
        assertThatThrownBy(() -> EndpointFile.parse("d.sql", "-- param amount: Decimal, required\nSELECT {amount:Decimal}"))
                .hasMessageContaining("Decimal(P, S)");
    }

    @Test
    void everyShippedEndpointFileParses() throws IOException {
        Path dir = Path.of(System.getProperty("user.dir")).getParent().resolve("sql/endpoints");
        try (Stream<Path> files = Files.list(dir)) {
            long parsed = files.filter(f -> f.toString().endsWith(".sql"))
                    .map(f -> EndpointFile.parse(f.getFileName().toString(), read(f))).count();
            assertThat(parsed).isGreaterThanOrEqualTo(4);
        }
    }

    private static String read(Path f) {
        try {
            return Files.readString(f);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
