package io.tributary.cdc.source.snapshot;

import io.debezium.connector.mysql.jdbc.MySqlConnection;
import io.tributary.cdc.event.SourcePosition;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

/** Where the server writes its binlog now ({@code SHOW BINARY LOG STATUS}, or {@code SHOW MASTER STATUS} before 8.2). */
public record BinlogEnd(String file, long position) {

    public static BinlogEnd read(MySqlConnection connection) throws SQLException {
        try (Statement st = connection.connection().createStatement();
             ResultSet rs = st.executeQuery(connection.binaryLogStatusStatement())) {
            if (!rs.next()) {
                throw new IllegalStateException("MySQL returned no binlog position: is the binlog on (log_bin)?");
            }
            return new BinlogEnd(rs.getString(1), rs.getLong(2));
        }
    }

    /** As a snapshot position: below every binlog change at or after it. */
    public SourcePosition snapshotPosition() {
        return SourcePosition.snapshot(file, position);
    }

    /** As a Debezium offset ({@code file}, {@code pos}), for messages naming where a table was parked. */
    public Map<String, Object> offset() {
        return Map.of("file", file, "pos", position);
    }
}
