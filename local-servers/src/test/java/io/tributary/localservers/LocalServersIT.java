package io.tributary.localservers;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.DriverManager;
import java.sql.ResultSet;
import org.junit.jupiter.api.Test;

class LocalServersIT {
    @Test
    void mysqlHasBinlogOnAndSakilaLoads() throws Exception {
        MySqlServer mysql = SharedServers.mysql();
        Sakila.load(mysql);
        try (var c = DriverManager.getConnection(mysql.jdbcUrl("sakila"), mysql.cdc().user(), mysql.cdc().password());
             var st = c.createStatement()) {
            ResultSet rs = st.executeQuery("SELECT @@log_bin, @@binlog_format, @@binlog_row_image, @@gtid_mode");
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(1);
            assertThat(rs.getString(2)).isEqualTo("ROW");
            assertThat(rs.getString(3)).isEqualTo("FULL");
            assertThat(rs.getString(4)).isEqualTo("ON");
            rs = st.executeQuery("SELECT count(*) FROM rental");
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(16044);
        }
    }

    @Test
    void clickhouseAnswersQueriesOverHttp() throws Exception {
        ClickHouseServer ch = SharedServers.clickhouse();
        HttpResponse<String> r = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(ch.httpUrl() + "/?query=SELECT%20version()")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body().trim()).matches("\\d+\\.\\d+.*");
    }
}
