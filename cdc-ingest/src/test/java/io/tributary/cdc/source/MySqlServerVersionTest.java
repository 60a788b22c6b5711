package io.tributary.cdc.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MySqlServerVersionTest {
    @Test
    void mySql80And81KeepTheMasterStatements() {
        for (String v : new String[] {"8.0.31", "8.0.40-log", "8.1.0"}) {
            MySqlServerVersion version = MySqlServerVersion.parse(v);
            assertThat(version.mariaDb()).isFalse();
            assertThat(version.binaryLogStatusStatement()).as(v).isEqualTo("SHOW MASTER STATUS");
            assertThat(version.resetBinaryLogsStatement()).as(v).isEqualTo("RESET MASTER");
        }
    }

    @Test
    void mySql82AndLaterUseTheBinaryLogStatements() {
        // 8.4 LTS and 9.x refuse SHOW MASTER STATUS and RESET MASTER with a syntax error.
        for (String v : new String[] {"8.2.0", "8.4.3", "8.4.7-log", "9.0.1", "9.5.0-commercial", "10.0.0"}) {
            MySqlServerVersion version = MySqlServerVersion.parse(v);
            assertThat(version.binaryLogStatusStatement()).as(v).isEqualTo("SHOW BINARY LOG STATUS");
            assertThat(version.resetBinaryLogsStatement()).as(v).isEqualTo("RESET BINARY LOGS AND GTIDS");
        }
    }

    @Test
    void mariaDbKeepsTheMasterStatementsWhateverItsNumber() {
        for (String v : new String[] {"10.11.6-MariaDB-0+deb12u1", "11.4.2-MariaDB", "5.5.5-10.6.12-MariaDB"}) {
            MySqlServerVersion version = MySqlServerVersion.parse(v);
            assertThat(version.mariaDb()).as(v).isTrue();
            assertThat(version.binaryLogStatusStatement()).as(v).isEqualTo("SHOW MASTER STATUS");
            assertThat(version.resetBinaryLogsStatement()).as(v).isEqualTo("RESET MASTER");
        }
        assertThat(MySqlServerVersion.parse("5.5.5-10.6.12-MariaDB").major()).isEqualTo(10);
    }

    @Test
    void comparesComponentByComponent() {
        MySqlServerVersion v = MySqlServerVersion.parse("8.0.31");
        assertThat(v.atLeast(8, 0, 31)).isTrue();
        assertThat(v.atLeast(8, 0, 30)).isTrue();
        assertThat(v.atLeast(8, 0, 32)).isFalse();
        assertThat(v.atLeast(8, 1, 0)).isFalse();
        assertThat(v.atLeast(7, 9, 99)).isTrue();
        assertThat(MySqlServerVersion.parse("8.4").patch()).isZero();
    }

    @Test
    void unreadableVersionIsAnError() {
        assertThatThrownBy(() -> MySqlServerVersion.parse("unknown")).hasMessageContaining("'unknown'");
    }
}
