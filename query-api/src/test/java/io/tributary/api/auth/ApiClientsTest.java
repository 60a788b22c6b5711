package io.tributary.api.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiClientsTest {
    @TempDir
    Path dir;

    @Test
    void readsScopedClientsByDigestOrEnvironment() throws IOException {
        Path file = dir.resolve("clients.yaml");
        Files.writeString(file, """
                clients:
                  - name: store-1
                    token-sha256: %s
                    endpoints: [top_films, revenue_*]
                    fixed: {store_id: 1}
                    rate-limit: 3
                  - name: ops
                    token-env: OPS_TOKEN
                    admin: true
                """.formatted(ApiClients.digestHex("store-one-token")));
        ApiClients clients = new ApiClients(ApiClients.fromFile(file, Map.of("OPS_TOKEN", "ops-token"), 100));
        ApiClient store = clients.authenticate("store-one-token").orElseThrow();
        assertThat(store.name()).isEqualTo("store-1");
        assertThat(store.admin()).isFalse();
        assertThat(store.mayCall("top_films")).isTrue();
        assertThat(store.mayCall("revenue_by_store_day")).isTrue();
        assertThat(store.mayCall("open_rentals")).isFalse();
        assertThat(store.fixedParameters()).containsEntry("store_id", "1");
        assertThat(store.requestsPerSecond()).isEqualTo(3);
        assertThat(clients.authenticate("ops-token").orElseThrow().admin()).isTrue();
        assertThat(clients.authenticate("store-one-token ")).isEmpty();
        assertThat(clients.authenticate("")).isEmpty();
    }

    @Test
    void mistakesNameTheClientAndKey() throws IOException {
        Path file = dir.resolve("bad.yaml");
        Files.writeString(file, "clients:\n  - name: a\n    token-env: NOT_SET\n    endpoints: [x]\n");
        assertThatThrownBy(() -> ApiClients.fromFile(file, Map.of(), 1))
                .hasMessageContaining("client 1 'a'").hasMessageContaining("NOT_SET");
        Files.writeString(file, "clients:\n  - name: a\n    token-sha256: abc\n    endpoints: [x]\n");
        assertThatThrownBy(() -> ApiClients.fromFile(file, Map.of(), 1)).hasMessageContaining("64 hex digits");
        Files.writeString(file, "clients:\n  - name: a\n    token-env: T\n    endpoint: [x]\n");
        assertThatThrownBy(() -> ApiClients.fromFile(file, Map.of("T", "t"), 1)).hasMessageContaining("unknown key 'endpoint'");
        Files.writeString(file, "clients:\n  - name: a\n    token-env: T\n");
        assertThatThrownBy(() -> ApiClients.fromFile(file, Map.of("T", "t"), 1)).hasMessageContaining("list the endpoints");
        assertThatThrownBy(() -> new ApiClients(List.of())).hasMessageContaining("api.tokens");
    }
}
