package io.tributary.cdc.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.cdc.debezium.DebeziumProperties;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

class MySqlSourceConfigTest {
    private static Configuration settings(Map<String, String> extra) {
        Configuration c = Configuration.fromMap(Map.of("source.mysql.host", "db.example", "source.mysql.user", "cdc",
                "source.mysql.password", "pw", "source.mysql.databases", "shop"));
        extra.forEach(c::setString);
        return c;
    }

    @Test
    void tlsIsPreferredUnlessConfigured() {
        MySqlSourceConfig config = MySqlSourceConfig.from(settings(Map.of()));
        assertThat(config.sslMode()).isEqualTo(MySqlSslMode.PREFERRED);
        assertThat(config.jdbcUrl("&connectTimeout=5000"))
                .isEqualTo("jdbc:mysql://db.example:3306/?sslMode=PREFERRED&allowPublicKeyRetrieval=true&connectTimeout=5000");
        assertThat(DebeziumProperties.build(config, "id").getProperty("database.ssl.mode")).isEqualTo("preferred");
    }

    @Test
    void oneSettingGovernsTheBinlogAndEveryQuery() {
        MySqlSourceConfig disabled = MySqlSourceConfig.from(settings(Map.of("source.mysql.ssl-mode", "disabled")));
        assertThat(disabled.jdbcUrl("")).isEqualTo("jdbc:mysql://db.example:3306/?sslMode=DISABLED&allowPublicKeyRetrieval=true");
        assertThat(DebeziumProperties.build(disabled, "id").getProperty("database.ssl.mode")).isEqualTo("disabled");

        MySqlSourceConfig required = MySqlSourceConfig.from(settings(Map.of("source.mysql.ssl-mode", "REQUIRED")));
        assertThat(required.jdbcUrl("")).isEqualTo("jdbc:mysql://db.example:3306/?sslMode=REQUIRED");
        assertThat(DebeziumProperties.build(required, "id").getProperty("database.ssl.mode")).isEqualTo("required");
    }

    @Test
    void anUnknownModeNamesTheKeyAndTheValue() {
        assertThatThrownBy(() -> MySqlSourceConfig.from(settings(Map.of("source.mysql.ssl-mode", "verify_ca"))))
                .hasMessageContaining("source.mysql.ssl-mode").hasMessageContaining("verify_ca");
    }
}
