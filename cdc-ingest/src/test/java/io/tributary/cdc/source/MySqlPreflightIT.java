package io.tributary.cdc.source;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.localservers.MySqlServer;
import io.tributary.localservers.SharedServers;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The start-up check against a real MySQL: accepted as configured, refused with the fix when it is not. */
class MySqlPreflightIT {
    private static MySqlSourceConfig config(MySqlServer mysql, String password) {
        return new MySqlSourceConfig(mysql.host(), mysql.port(), mysql.cdc().user(), password, List.of("preflight"),
                List.of(), 5501L, 1024, Duration.ofSeconds(10), Duration.ofMillis(20), MySqlSslMode.PREFERRED, null,
                MySqlSnapshotReader.LOCKING, 0, 50_000);
    }

    @Test
    void acceptsTheServerAndExplainsWhatIsWrong() throws Exception {
        MySqlServer mysql = SharedServers.mysql();
        assertThatCode(() -> MySqlPreflight.check(config(mysql, mysql.cdc().password()))).doesNotThrowAnyException();
        assertThatThrownBy(() -> MySqlPreflight.check(config(mysql, "wrong-password")))
                .hasMessageContaining("Cannot connect to MySQL at " + mysql.host() + ":" + mysql.port() + " as 'tributary_cdc'")
                .hasMessageContaining("Access denied").hasMessageContaining("TRIBUTARY_SOURCE_MYSQL_PASSWORD");
        try (Connection c = DriverManager.getConnection(mysql.jdbcUrl(""), mysql.admin().user(), mysql.admin().password());
             Statement st = c.createStatement()) {
            st.execute("SET GLOBAL binlog_row_image = 'MINIMAL'");
            try {
                assertThatThrownBy(() -> MySqlPreflight.check(config(mysql, mysql.cdc().password())))
                        .hasMessageContaining("binlog_row_image is MINIMAL (set binlog_row_image = FULL");
            } finally {
                st.execute("SET GLOBAL binlog_row_image = 'FULL'");
            }
        }
    }
}
