package io.tributary.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.cdc.source.MySqlSourceOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TributaryConfigTest {
    @TempDir
    Path dir;

    private Path write(String yaml) throws Exception {
        Path p = dir.resolve("t.yaml");
        Files.writeString(p, yaml);
        return p;
    }

    private static final String VALID = """
            source: { mysql: { host: db, user: cdc, password: pw, databases: [shop], tables: [shop.orders] } }
            sink:   { clickhouse: { url: "http://127.0.0.1:8123" } }
            api:    { port: 9000, tokens: [t1] }
            state:  { dir: /tmp/x }
            """;

    @Test
    void loadsNestedKeysAndEnvironmentOverrides() throws Exception {
        Configuration c = TributaryConfig.load(write(VALID), Map.of("TRIBUTARY_SOURCE_MYSQL_PORT", "3307"));
        assertThat(c.get(MySqlSourceOptions.HOST)).isEqualTo("db");
        assertThat(c.get(MySqlSourceOptions.PORT)).isEqualTo(3307);
        assertThat(c.get(MySqlSourceOptions.TABLES)).isEqualTo(List.of("shop.orders"));
        assertThat(c.get(TributaryConfig.API_PORT)).isEqualTo(9000);
    }

    @Test
    void unknownKeyIsNamed() throws Exception {
        assertThatThrownBy(() -> TributaryConfig.load(write(VALID + "sink2: { x: 1 }\n"), Map.of()))
                .hasMessageContaining("unknown configuration key 'sink2.x'");
    }

    @Test
    void removedKeySaysWhatBecameOfIt() throws Exception {
        assertThatThrownBy(() -> TributaryConfig.load(write(VALID + "pipeline: { deduplication-ttl: 10 min }\n"), Map.of()))
                .hasMessageContaining("'pipeline.deduplication-ttl'").hasMessageContaining("was removed")
                .hasMessageContaining("delete the line");
    }

    @Test
    void missingKeyIsNamedWithItsEnvironmentVariable() throws Exception {
        assertThatThrownBy(() -> TributaryConfig.load(write(VALID.replace("password: pw, ", "")), Map.of()))
                .hasMessageContaining("'source.mysql.password'").hasMessageContaining("TRIBUTARY_SOURCE_MYSQL_PASSWORD");
    }

    @Test
    void invalidValueIsNamed() throws Exception {
        assertThatThrownBy(() -> TributaryConfig.load(write(VALID.replace("port: 9000", "port: many")), Map.of()))
                .hasMessageContaining("'api.port'").hasMessageContaining("many");
    }

    @Test
    void sslModeIsReadFromTheFileOrTheEnvironmentAndAnUnknownOneIsNamed() throws Exception {
        assertThat(TributaryConfig.load(write(VALID), Map.of()).get(MySqlSourceOptions.SSL_MODE))
                .isEqualTo(io.tributary.cdc.source.MySqlSslMode.PREFERRED);
        assertThat(TributaryConfig.load(write(VALID), Map.of("TRIBUTARY_SOURCE_MYSQL_SSL_MODE", "disabled"))
                .get(MySqlSourceOptions.SSL_MODE)).isEqualTo(io.tributary.cdc.source.MySqlSslMode.DISABLED);
        assertThatThrownBy(() -> TributaryConfig.load(write(VALID), Map.of("TRIBUTARY_SOURCE_MYSQL_SSL_MODE", "verify-ca")))
                .hasMessageContaining("'source.mysql.ssl-mode'").hasMessageContaining("verify-ca");
    }

    @Test
    void verifyUnescapesClickHouseText() {
        assertThat(io.tributary.sink.clickhouse.client.TsvText.unescape("a\\tb\\\\c\\n")).isEqualTo("a\tb\\c\n");
        assertThat(io.tributary.sink.clickhouse.client.TsvText.unescape("\\N")).isNull();
    }

    @Test
    void everyKeyIsDocumented() throws Exception {
        Path doc = Path.of("").toAbsolutePath();
        while (!Files.exists(doc.resolve("docs/configuration.md"))) {
            doc = doc.getParent();
        }
        doc = doc.resolve("docs/configuration.md");
        String text = Files.readString(doc);
        for (var option : TributaryConfig.options()) {
            assertThat(text).as("docs/configuration.md documents " + option.key()).contains("`" + option.key() + "`");
        }
    }
}
