package io.tributary.app;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.cdc.event.ColumnSchema;
import io.tributary.job.enrich.Enrichment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnrichmentRegistryTest {
    private static Enrichment enrichment(String name, String column) {
        return new Enrichment(name, "text", "db", "db.f", "f", List.of(new Enrichment.Lookup("db.d", "d", "id", "f", "d_id")),
                List.of(new Enrichment.AddedColumn("d", column, new ColumnSchema(column, "INT", -1, -1, true, false))));
    }

    @Test
    void aResumeRefusesNewOrChangedEnrichmentsButNotDescriptions(@TempDir Path state) throws Exception {
        EnrichmentRegistry.record(state, List.of(enrichment("a", "x")));
        assertThatCode(() -> EnrichmentRegistry.check(state, true, List.of(enrichment("a", "x")))).doesNotThrowAnyException();
        assertThatCode(() -> EnrichmentRegistry.check(state, true, List.of()))
                .as("removing one is fine").doesNotThrowAnyException();
        assertThatThrownBy(() -> EnrichmentRegistry.check(state, true, List.of(enrichment("a", "y"))))
                .hasMessageContaining("Enrichment a changed").hasMessageContaining(state.toString());
        assertThatThrownBy(() -> EnrichmentRegistry.check(state, true, List.of(enrichment("a", "x"), enrichment("b", "x"))))
                .hasMessageContaining("Enrichment b is new since the snapshot").hasMessageContaining("Start from a new snapshot");
        assertThatCode(() -> EnrichmentRegistry.check(state, false, List.of(enrichment("b", "x"))))
                .as("a fresh start builds every enrichment from the snapshot").doesNotThrowAnyException();
        Files.delete(state.resolve("enrichments.txt"));
        assertThatCode(() -> EnrichmentRegistry.check(state, true, List.of(enrichment("b", "x")))).doesNotThrowAnyException();
    }
}
