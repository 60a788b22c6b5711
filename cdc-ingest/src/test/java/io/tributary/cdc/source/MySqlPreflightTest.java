package io.tributary.cdc.source;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MySqlPreflightTest {
    @Test
    void acceptsMySql8WithRowBinlog() {
        assertThat(MySqlPreflight.problems("8.0.31", "1", "ROW", "FULL")).isEmpty();
        assertThat(MySqlPreflight.problems("8.4.3-log", "ON", "row", "full")).isEmpty();
        assertThat(MySqlPreflight.problems("9.5.0", "ON", "ROW", "FULL")).isEmpty();
    }

    @Test
    void namesEachProblemAndItsFix() {
        assertThat(MySqlPreflight.problems("10.11.6-MariaDB-0+deb12u1", "1", "ROW", "FULL")).singleElement()
                .asString().contains("MariaDB 10.11.6-MariaDB-0+deb12u1").contains("MySQL 8 only");
        assertThat(MySqlPreflight.problems("5.7.44", "0", "STATEMENT", "MINIMAL")).containsExactly(
                "it is MySQL 5.7.44; Tributary needs MySQL 8.0 or newer (8.4 LTS, 9.x)",
                "the binary log is off (set log_bin and restart MySQL)",
                "binlog_format is STATEMENT (set binlog_format = ROW)",
                "binlog_row_image is MINIMAL (set binlog_row_image = FULL: with MINIMAL images an update does not carry the whole row)");
    }

    @Test
    void certificateRefusalsNameTheSettingToChange() {
        MySqlSourceConfig config = new MySqlSourceConfig("db.internal", 3306, "cdc", "pw", java.util.List.of("shop"),
                java.util.List.of(), 5400, 16, java.time.Duration.ofSeconds(5), java.time.Duration.ofMillis(20),
                MySqlSslMode.VERIFY_IDENTITY, null, MySqlSnapshotReader.LOCKING, 0, 50_000);
        String untrusted = MySqlPreflight.certificateRefused(config, new java.sql.SQLException("Communications link failure",
                new RuntimeException("PKIX path building failed: unable to find valid certification path to requested target")));
        assertThat(untrusted).contains("refused by TLS verification (source.mysql.ssl-mode: verify_identity)")
                .contains("not signed by the JVM's trusted authorities").contains("set source.mysql.ssl-ca");
        String host = MySqlPreflight.certificateRefused(config, new java.sql.SQLException("Communications link failure",
                new RuntimeException("No subject alternative DNS name matching db.internal found.")));
        assertThat(host).contains("not issued for source.mysql.host 'db.internal'").contains("verify_ca");
        assertThat(MySqlPreflight.certificateRefused(config, new java.sql.SQLException("Access denied for user"))).isNull();
    }

    @Test
    void partialJsonDiffsAreRefused() {
        assertThat(MySqlPreflight.partialJson("")).isNull();
        assertThat(MySqlPreflight.partialJson(null)).isNull();
        assertThat(MySqlPreflight.partialJson("PARTIAL_JSON")).contains("binlog_row_value_options is PARTIAL_JSON")
                .contains("logged as diffs").contains("SET PERSIST binlog_row_value_options = ''");
    }

    @Test
    void reloadMustBeGrantedOnEverything() {
        assertThat(MySqlPreflight.missingReload("cdc", java.util.List.of(
                "GRANT SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE ON *.* TO `cdc`@`%`"), MySqlSnapshotReader.LOCKING)).isNull();
        assertThat(MySqlPreflight.missingReload("cdc", java.util.List.of("GRANT RELOAD ON *.* TO `cdc`@`%`"), MySqlSnapshotReader.LOCKING)).isNull();
        assertThat(MySqlPreflight.missingReload("root", java.util.List.of(
                "GRANT ALL PRIVILEGES ON *.* TO `root`@`localhost` WITH GRANT OPTION"), MySqlSnapshotReader.LOCKING)).isNull();
        assertThat(MySqlPreflight.missingReload("cdc", java.util.List.of(
                "GRANT SELECT ON *.* TO `cdc`@`%`", "GRANT `cdc_role`@`%` TO `cdc`@`%`"), MySqlSnapshotReader.LOCKING)).as("roles: not judged").isNull();
        assertThat(MySqlPreflight.missingReload("cdc", java.util.List.of(
                "GRANT SELECT, SHOW DATABASES, REPLICATION SLAVE, REPLICATION CLIENT, LOCK TABLES ON *.* TO `cdc`@`%`",
                "GRANT RELOAD ON `shop`.* TO `cdc`@`%`"), MySqlSnapshotReader.LOCKING))
                .contains("lacks the RELOAD privilege").contains("GRANT RELOAD ON *.* TO 'cdc'")
                .contains("source.mysql.snapshot.reader: debezium");
    }
}
