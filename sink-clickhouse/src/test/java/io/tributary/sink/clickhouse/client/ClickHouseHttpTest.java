package io.tributary.sink.clickhouse.client;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ClickHouseHttpTest {
    @Test
    void refusesClickHouseOlderThan23_8WithAnActionableMessage() {
        assertThatThrownBy(() -> ClickHouseHttp.requireSupported("18.16.1", "http://old:8123/"))
                .hasMessageContaining("version 18.16.1").hasMessageContaining("23.8 or newer")
                .hasMessageContaining("sink.clickhouse.url");
        assertThatThrownBy(() -> ClickHouseHttp.requireSupported("23.7.1.1", "x")).hasMessageContaining("23.8");
    }

    @Test
    void acceptsSupportedVersions() {
        assertThatCode(() -> ClickHouseHttp.requireSupported("23.8.2.7", "x")).doesNotThrowAnyException();
        assertThatCode(() -> ClickHouseHttp.requireSupported("26.7.2.1", "x")).doesNotThrowAnyException();
    }

    @Test
    void classifiesRetriableErrorsByCode() {
        org.assertj.core.api.Assertions.assertThat(new ClickHouseException(252, "TOO_MANY_PARTS", null).isRetriable()).isTrue();
        org.assertj.core.api.Assertions.assertThat(new ClickHouseException(319, "UNKNOWN_STATUS_OF_INSERT", null).isRetriable()).isTrue();
        org.assertj.core.api.Assertions.assertThat(new ClickHouseException(243, "NOT_ENOUGH_SPACE", null).isRetriable()).isTrue();
        org.assertj.core.api.Assertions.assertThat(new ClickHouseException(-1, "connection refused", null).isRetriable()).isTrue();
        org.assertj.core.api.Assertions.assertThat(new ClickHouseException(62, "SYNTAX_ERROR", null).isRetriable()).isFalse();
        org.assertj.core.api.Assertions.assertThat(new ClickHouseException(ClickHouseException.TLS_REFUSED, "certificate",
                null).isRetriable()).isFalse();
    }

    @Test
    void anAuthorityFileIsForHttpsOnlyAndMustHoldCertificates() throws Exception {
        assertThatThrownBy(() -> new io.tributary.sink.clickhouse.sink.ClickHouseSinkConfig("http://x:8123", "u", "p",
                "/etc/ca.pem", null, "tributary", 1, java.time.Duration.ofSeconds(1), 1, java.time.Duration.ofSeconds(1),
                java.time.Duration.ofSeconds(1)))
                .hasMessageContaining("sink.clickhouse.ssl-ca is set, but sink.clickhouse.url 'http://x:8123' is not https");
        java.nio.file.Path empty = java.nio.file.Files.createTempFile("no-certificates", ".pem");
        assertThatThrownBy(() -> new ClickHouseHttp("https://x:8443", "u", "p", empty.toString(),
                java.time.Duration.ofSeconds(1))).hasMessageContaining("sink.clickhouse.ssl-ca '" + empty + "'");
        assertThatThrownBy(() -> new ClickHouseHttp("https://x:8443", "u", "p", "/nonexistent/ca.pem",
                java.time.Duration.ofSeconds(1))).hasMessageContaining("sink.clickhouse.ssl-ca '/nonexistent/ca.pem' cannot be read");
    }

    @Test
    void rejectsNonHttpUrls() {
        assertThatThrownBy(() -> new ClickHouseHttp("tcp://x:9000", "u", "p", java.time.Duration.ofSeconds(1)))
                .hasMessageContaining("sink.clickhouse.url");
    }
}
