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
    }

    @Test
    void rejectsNonHttpUrls() {
        assertThatThrownBy(() -> new ClickHouseHttp("tcp://x:9000", "u", "p", java.time.Duration.ofSeconds(1)))
                .hasMessageContaining("sink.clickhouse.url");
    }
}
