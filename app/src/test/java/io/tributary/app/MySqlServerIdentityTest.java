package io.tributary.app;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MySqlServerIdentityTest {
    @Test
    void resumingOnAnotherServerWithoutGtidsIsRefused(@TempDir Path state) {
        MySqlServerIdentity.Server a = new MySqlServerIdentity.Server("uuid-a", false);
        MySqlServerIdentity.record(state, a);
        assertThatCode(() -> MySqlServerIdentity.check(state, true, a, "db:3306")).doesNotThrowAnyException();
        assertThatThrownBy(() -> MySqlServerIdentity.check(state, true, new MySqlServerIdentity.Server("uuid-b", false),
                "db2:3306")).hasMessageContaining("server_uuid uuid-a").hasMessageContaining("db2:3306 is uuid-b")
                .hasMessageContaining("delete " + state);
        assertThatCode(() -> MySqlServerIdentity.check(state, true, new MySqlServerIdentity.Server("uuid-b", true),
                "db2:3306")).as("GTIDs on: Debezium resumes by GTID set").doesNotThrowAnyException();
        assertThatCode(() -> MySqlServerIdentity.check(state, false, new MySqlServerIdentity.Server("uuid-b", false),
                "db2:3306")).as("a fresh start").doesNotThrowAnyException();
    }
}
