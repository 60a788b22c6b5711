package io.tributary.cdc.source;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MySqlPreflightTest {
    @Test
    void acceptsMySql8WithRowBinlog() {
        assertThat(MySqlPreflight.problems("8.0.31", "1", "ROW", "FULL")).isEmpty();
        assertThat(MySqlPreflight.problems("8.4.3-log", "ON", "row", "full")).isEmpty();
    }

    @Test
    void namesEachProblemAndItsFix() {
        assertThat(MySqlPreflight.problems("10.11.6-MariaDB-0+deb12u1", "1", "ROW", "FULL")).singleElement()
                .asString().contains("MariaDB 10.11.6-MariaDB-0+deb12u1").contains("MySQL 8 only");
        assertThat(MySqlPreflight.problems("5.7.44", "0", "STATEMENT", "MINIMAL")).containsExactly(
                "it is MySQL 5.7.44; Tributary needs MySQL 8.0 or newer",
                "the binary log is off (set log_bin and restart MySQL)",
                "binlog_format is STATEMENT (set binlog_format = ROW)",
                "binlog_row_image is MINIMAL (set binlog_row_image = FULL: with MINIMAL images an update does not carry the whole row)");
    }
}
