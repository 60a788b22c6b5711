package io.tributary.localservers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.DriverManager;
import java.sql.ResultSet;
import org.junit.jupiter.api.Test;

/** The Testcontainers path with the official images; skipped, with the reason, where no Docker engine runs. */
class OfficialImagesIT {
    @Test
    void officialMySqlAndClickHouseImagesServeTheHarness() throws Exception {
        String reason = ContainerServers.dockerUnavailableReason();
        assumeTrue(reason.isEmpty(), () -> "Testcontainers skipped: " + reason);
        try (MySqlServer mysql = ContainerServers.mysql(); ClickHouseServer ch = ContainerServers.clickhouse()) {
            try (var c = DriverManager.getConnection(mysql.jdbcUrl(null), mysql.cdc().user(), mysql.cdc().password());
                 ResultSet rs = c.createStatement().executeQuery("SELECT @@binlog_format, @@gtid_mode")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("ROW");
                assertThat(rs.getString(2)).isEqualTo("ON");
            }
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(ch.httpUrl() + "/?query=SELECT%201")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.body().trim()).isEqualTo("1");
        }
    }
}
