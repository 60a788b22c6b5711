package io.tributary.cdc.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.localservers.MySqlServer;
import io.tributary.localservers.SharedServers;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/**
 * The binlog retention read from a real server: {@code binlog_expire_logs_seconds} on MySQL, and
 * RDS's {@code binlog retention hours} where the server has {@code mysql.rds_show_configuration}.
 * RDS itself does not run here: the procedure is created on the local server with RDS's result
 * shape (name, value, description), so what is proven is the reading and the judgement, on a real
 * server, including the refusal when the capture user may not call it.
 */
class BinlogRetentionIT {
    private static final String RDS_PROCEDURE = "mysql.rds_show_configuration";

    @Test
    void readsTheServersOwnSettingAndRdsWhereItIsThere() throws Exception {
        MySqlServer mysql = SharedServers.mysql();
        try (Connection admin = DriverManager.getConnection(mysql.jdbcUrl(""), mysql.admin().user(), mysql.admin().password());
             Statement st = admin.createStatement();
             Connection cdc = DriverManager.getConnection(mysql.jdbcUrl(""), mysql.cdc().user(), mysql.cdc().password())) {
            long expire;
            try (ResultSet rs = st.executeQuery("SELECT @@GLOBAL.binlog_expire_logs_seconds")) {
                rs.next();
                expire = rs.getLong(1);
            }
            BinlogRetention plain = BinlogRetention.read(cdc);
            assertThat(plain.setting()).isEqualTo("binlog_expire_logs_seconds");
            assertThat(plain.seconds()).isEqualTo(expire == 0 ? BinlogRetention.FOREVER : expire);
            // binlog_expire_logs_seconds is not lowered here: on this shared server a rotation meanwhile would purge
            // binlogs other tests still read. BinlogRetentionTest covers the judgement of short retentions.
            try {
                st.execute("CREATE PROCEDURE " + RDS_PROCEDURE + "() SELECT 'binlog retention hours' AS name, "
                        + "CAST(NULL AS CHAR) AS value, 'binlog retention hours specifies the duration' AS description "
                        + "UNION ALL SELECT 'source delay', '0', 'source delay'");
                assertThatThrownBy(() -> BinlogRetention.read(cdc)).as("the capture user may not call it yet")
                        .hasMessageContaining("GRANT EXECUTE ON PROCEDURE mysql.rds_show_configuration");
                st.execute("GRANT EXECUTE ON PROCEDURE " + RDS_PROCEDURE + " TO '" + mysql.cdc().user() + "'@'%'");
                BinlogRetention rds = BinlogRetention.read(cdc);
                assertThat(rds.seconds()).as("RDS's setting wins over binlog_expire_logs_seconds")
                        .isEqualTo(BinlogRetention.AS_SOON_AS_POSSIBLE);
                assertThat(rds.warning(1_000, "here")).contains("as soon as no replica needs it")
                        .contains("CALL mysql.rds_set_configuration('binlog retention hours', 168);");

                st.execute("DROP PROCEDURE " + RDS_PROCEDURE);
                st.execute("CREATE PROCEDURE " + RDS_PROCEDURE + "() SELECT 'binlog retention hours' AS name, "
                        + "'24' AS value, 'binlog retention hours specifies the duration' AS description");
                st.execute("GRANT EXECUTE ON PROCEDURE " + RDS_PROCEDURE + " TO '" + mysql.cdc().user() + "'@'%'");
                assertThat(BinlogRetention.read(cdc).seconds()).isEqualTo(86_400);
                assertThat(BinlogRetention.read(cdc).warning(1_000, "here")).isNull();
            } finally {
                st.execute("DROP PROCEDURE IF EXISTS " + RDS_PROCEDURE);
            }
        }
    }
}
