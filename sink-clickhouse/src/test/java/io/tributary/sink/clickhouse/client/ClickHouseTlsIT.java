package io.tributary.sink.clickhouse.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.localservers.ClickHouseServer;
import io.tributary.localservers.SharedServers;
import io.tributary.localservers.TlsProxy;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * https to a real ClickHouse through a TLS terminator (the local engine listens on HTTP only, as
 * ClickHouse often does behind a load balancer): a custom authority ({@code sink.clickhouse.ssl-ca})
 * is trusted, and a certificate from another authority, or not issued for the URL's host, is refused
 * at once with the setting to change, not retried as an outage.
 */
class ClickHouseTlsIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    @Test
    void trustsTheConfiguredAuthorityAndRefusesOthersWithTheSettingNamed() throws Exception {
        ClickHouseServer clickhouse = SharedServers.clickhouse();
        int httpPort = URI.create(clickhouse.httpUrl()).getPort();
        Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "clickhouse-tls-");
        try (TlsProxy proxy = TlsProxy.start(dir.resolve("proxy"), httpPort);
             TlsProxy other = TlsProxy.start(dir.resolve("other"), httpPort)) {
            String ca = proxy.caPem().toString();
            ClickHouseHttp verified = new ClickHouseHttp(proxy.url(), clickhouse.user(), clickhouse.password(), ca, TIMEOUT);
            assertThat(verified.checkVersion()).isNotBlank();
            verified.query("DROP DATABASE IF EXISTS tls_it");
            verified.query("CREATE DATABASE tls_it");
            verified.query("CREATE TABLE tls_it.t (id UInt32, v String) ENGINE = MergeTree ORDER BY id");
            verified.insert("tls_it.t", "id, v", "TabSeparated", "1\tover https\n2\tsecond\n".getBytes(StandardCharsets.UTF_8));
            assertThat(verified.query("SELECT count(), max(v) FROM tls_it.t").strip()).isEqualTo("2\tsecond");
            verified.query("DROP DATABASE tls_it");

            ClickHouseHttp jvmAuthorities = new ClickHouseHttp(proxy.url(), clickhouse.user(), clickhouse.password(), null,
                    TIMEOUT);
            assertThatThrownBy(jvmAuthorities::checkVersion).isInstanceOfSatisfying(ClickHouseException.class, e -> {
                assertThat(e.code()).isEqualTo(ClickHouseException.TLS_REFUSED);
                assertThat(e.isRetriable()).as("a refused certificate is no outage").isFalse();
            }).hasMessageContaining("ClickHouse at " + proxy.url() + "/ refused by TLS verification")
                    .hasMessageContaining("not signed by the JVM's trusted authorities (no sink.clickhouse.ssl-ca is set)")
                    .hasMessageContaining("set sink.clickhouse.ssl-ca to the PEM file of the authority that signed it");

            String otherCa = other.caPem().toString();
            assertThatThrownBy(() -> new ClickHouseHttp(proxy.url(), clickhouse.user(), clickhouse.password(), otherCa,
                    TIMEOUT).checkVersion())
                    .hasMessageContaining("not signed by sink.clickhouse.ssl-ca '" + otherCa + "'");

            String byName = "https://localhost:" + proxy.port();
            assertThatThrownBy(() -> new ClickHouseHttp(byName, clickhouse.user(), clickhouse.password(), ca, TIMEOUT)
                    .checkVersion())
                    .isInstanceOfSatisfying(ClickHouseException.class,
                            e -> assertThat(e.code()).isEqualTo(ClickHouseException.TLS_REFUSED))
                    .hasMessageContaining("not issued for the host 'localhost' of sink.clickhouse.url");
        }
    }
}
