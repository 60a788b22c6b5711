package io.tributary.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.localservers.ClickHouseServer;
import io.tributary.localservers.MySqlServer;
import io.tributary.localservers.SharedServers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * TLS with the server's certificate verified, as managed services are meant to be reached: with
 * {@code ssl-mode: verify_ca} and the authority that signed the server's certificate (MySQL's own
 * ca.pem here; the RDS or Cloud SQL bundle there) the snapshot, the binlog stream and every query run
 * over verified TLS and end equal; a certificate from another authority, or one not issued for the
 * host name ({@code verify_identity} on 127.0.0.1), stops at start-up naming the setting to change.
 */
class MySqlTlsIT {
    private static final String DB = "tls_it";

    @Test
    void verifiedTlsCapturesAndAWrongAuthorityOrHostIsRefused() throws Exception {
        MySqlServer mysql = SharedServers.mysql();
        ClickHouseServer clickhouse = SharedServers.clickhouse();
        Path serverCa = mysql.caCertificate().orElseThrow(() -> new AssertionError("the test server has no ca.pem"));
        PipelineTestSupport.freshDatabase(mysql, clickhouse, DB);
        try (Connection c = PipelineTestSupport.mysqlAdmin(mysql, ""); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE " + DB + ".items (id INT PRIMARY KEY, v VARCHAR(20))");
            st.execute("INSERT INTO " + DB + ".items VALUES (1, 'one'), (2, 'two')");
        }
        Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "tls-");

        Path otherCa = otherAuthority(dir);
        String refused = startRefused(dir, mysql, clickhouse, "wrong-ca",
                Map.of("source.mysql.ssl-mode", "verify_ca", "source.mysql.ssl-ca", otherCa.toString()));
        assertThat(refused).contains("refused by TLS verification (source.mysql.ssl-mode: verify_ca)")
                .contains("is not signed by source.mysql.ssl-ca '" + otherCa + "'");

        String wrongHost = startRefused(dir, mysql, clickhouse, "wrong-host",
                Map.of("source.mysql.ssl-mode", "verify_identity", "source.mysql.ssl-ca", serverCa.toString()));
        assertThat(wrongHost).contains("refused by TLS verification (source.mysql.ssl-mode: verify_identity)")
                .contains("not issued for source.mysql.host '" + mysql.host() + "'");

        PipelineTestSupport.TestConfig setup = PipelineTestSupport.configure(dir.resolve("verified"), mysql, clickhouse,
                DB, "tls-" + System.nanoTime(), Map.of("source.mysql.ssl-mode", "verify_ca",
                        "source.mysql.ssl-ca", serverCa.toString(), "state.checkpoint-interval", "1s"));
        Process pipeline = PipelineTestSupport.startPipeline(setup.file(), setup.env(), dir.resolve("verified.log"));
        try (Connection c = PipelineTestSupport.mysqlAdmin(mysql, DB); Statement st = c.createStatement()) {
            PipelineTestSupport.awaitEqual(setup.conf(), 180);
            st.execute("UPDATE items SET v = 'over verified TLS' WHERE id = 2");
            st.execute("INSERT INTO items VALUES (3, 'three')");
            PipelineTestSupport.awaitEqual(setup.conf(), 120);
            try (var rs = st.executeQuery("SELECT COUNT(*), SUM(s.VARIABLE_VALUE <> '') FROM performance_schema.threads t "
                    + "JOIN performance_schema.status_by_thread s ON s.THREAD_ID = t.THREAD_ID "
                    + "WHERE s.VARIABLE_NAME = 'Ssl_version' AND t.PROCESSLIST_USER = '" + mysql.cdc().user() + "' "
                    + "AND t.PROCESSLIST_COMMAND LIKE 'Binlog Dump%'")) {
                rs.next();
                assertThat(rs.getInt(1)).as("the pipeline's binlog connection").isGreaterThanOrEqualTo(1);
                assertThat(rs.getInt(2)).as("... runs over TLS").isEqualTo(rs.getInt(1));
            }
        } finally {
            pipeline.destroy();
            pipeline.waitFor(120, TimeUnit.SECONDS);
        }
    }

    /** A pipeline started with {@code settings} that must stop at start-up; its output. */
    private static String startRefused(Path dir, MySqlServer mysql, ClickHouseServer clickhouse, String name,
                                       Map<String, String> settings) throws Exception {
        PipelineTestSupport.TestConfig setup = PipelineTestSupport.configure(dir.resolve(name), mysql, clickhouse, DB,
                name, settings);
        Path log = dir.resolve(name + ".log");
        Process p = PipelineTestSupport.startPipeline(setup.file(), setup.env(), log);
        try {
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).as(name + ": stops instead of retrying").isTrue();
            assertThat(p.exitValue()).isNotZero();
        } finally {
            p.destroyForcibly();
        }
        return Files.readString(log);
    }

    /** A self-signed authority that signed nothing the server has. */
    private static Path otherAuthority(Path dir) throws Exception {
        Path store = dir.resolve("other.p12");
        Path pem = dir.resolve("other-ca.pem");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        run(keytool, "-genkeypair", "-alias", "other", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=Other CA",
                "-ext", "bc:c", "-validity", "2", "-keystore", store.toString(), "-storetype", "PKCS12",
                "-storepass", "changeit");
        run(keytool, "-exportcert", "-rfc", "-alias", "other", "-keystore", store.toString(), "-storepass", "changeit",
                "-file", pem.toString());
        return pem;
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(String.join(" ", command) + ": " + out).isZero();
    }
}
