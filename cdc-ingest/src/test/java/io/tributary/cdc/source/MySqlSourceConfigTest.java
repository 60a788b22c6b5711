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
        assertThatThrownBy(() -> MySqlSourceConfig.from(settings(Map.of("source.mysql.ssl-mode", "verify_all"))))
                .hasMessageContaining("source.mysql.ssl-mode").hasMessageContaining("verify_all");
    }

    @Test
    void verifyModesTrustTheConfiguredAuthorities(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path ca = selfSignedPem(dir);
        MySqlSourceConfig verified = MySqlSourceConfig.from(settings(Map.of("source.mysql.ssl-mode", "verify_identity",
                "source.mysql.ssl-ca", ca.toString())));
        MySqlTrustStore store = verified.trustStore();
        assertThat(verified.jdbcUrl("")).startsWith("jdbc:mysql://db.example:3306/?sslMode=VERIFY_IDENTITY"
                + "&trustCertificateKeyStoreUrl=" + store.file().toUri() + "&trustCertificateKeyStoreType=PKCS12")
                .contains("&fallbackToSystemTrustStore=false").doesNotContain("allowPublicKeyRetrieval");
        java.security.KeyStore loaded = java.security.KeyStore.getInstance("PKCS12");
        try (var in = java.nio.file.Files.newInputStream(store.file())) {
            loaded.load(in, store.password().toCharArray());
        }
        assertThat(loaded.size()).isEqualTo(1);
        java.util.Properties debezium = DebeziumProperties.build(verified, "id");
        assertThat(debezium.getProperty("database.ssl.mode")).isEqualTo("verify_identity");
        assertThat(debezium.getProperty("database.ssl.truststore")).isEqualTo(store.file().toString());
        assertThat(MySqlTrustStore.of(ca.toString())).as("written once per file").isSameAs(store);

        MySqlSourceConfig jvmAuthorities = MySqlSourceConfig.from(settings(Map.of("source.mysql.ssl-mode", "verify_ca")));
        assertThat(jvmAuthorities.jdbcUrl("")).isEqualTo("jdbc:mysql://db.example:3306/?sslMode=VERIFY_CA");
        assertThat(DebeziumProperties.build(jvmAuthorities, "id").getProperty("database.ssl.truststore")).isNull();
    }

    @Test
    void aCaFileNeedsAVerifyModeAndCertificates(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        assertThatThrownBy(() -> MySqlSourceConfig.from(settings(Map.of("source.mysql.ssl-ca", "/etc/ca.pem"))))
                .hasMessageContaining("source.mysql.ssl-ca is set, but source.mysql.ssl-mode preferred does not verify")
                .hasMessageContaining("verify_ca");
        java.nio.file.Path notPem = java.nio.file.Files.writeString(dir.resolve("notes.txt"), "not a certificate");
        assertThatThrownBy(() -> MySqlTrustStore.of(notPem.toString())).hasMessageContaining("source.mysql.ssl-ca '"
                + notPem + "'");
        assertThatThrownBy(() -> MySqlTrustStore.of(dir.resolve("missing.pem").toString()))
                .hasMessageContaining("cannot be read");
    }

    /** A certificate made by the JDK's keytool, as PEM. */
    private static java.nio.file.Path selfSignedPem(java.nio.file.Path dir) throws Exception {
        String keytool = java.nio.file.Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        java.nio.file.Path store = dir.resolve("ca.p12");
        java.nio.file.Path pem = dir.resolve("ca.pem");
        for (String[] command : new String[][] {
                {keytool, "-genkeypair", "-alias", "ca", "-keyalg", "RSA", "-dname", "CN=Test CA", "-validity", "2",
                        "-keystore", store.toString(), "-storetype", "PKCS12", "-storepass", "changeit"},
                {keytool, "-exportcert", "-rfc", "-alias", "ca", "-keystore", store.toString(), "-storepass", "changeit",
                        "-file", pem.toString()}}) {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            assertThat(p.waitFor()).isZero();
        }
        return pem;
    }
}
