package io.tributary.cdc.source;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The flavour and version of a source server, and the statements whose spelling depends on them.
 * MySQL 8.2 renamed the binlog statements ({@code SHOW MASTER STATUS} became {@code SHOW BINARY LOG
 * STATUS}, {@code RESET MASTER} became {@code RESET BINARY LOGS AND GTIDS}) and 8.4 LTS removed the
 * old names; MariaDB keeps the old ones. Every version-dependent statement Tributary runs is chosen here.
 */
public record MySqlServerVersion(boolean mariaDb, int major, int minor, int patch, String text) {
    private static final Pattern NUMBERS = Pattern.compile("^(\\d+)\\.(\\d+)(?:\\.(\\d+))?");

    /** Parses {@code SELECT VERSION()}, e.g. {@code 8.0.31}, {@code 8.4.3-log}, {@code 10.11.6-MariaDB-0+deb12u1}. */
    public static MySqlServerVersion parse(String version) {
        String text = version == null ? "" : version.strip();
        // MariaDB 10.x once reported itself as "5.5.5-10.x-MariaDB" to old clients; the real version follows.
        String numbers = text.startsWith("5.5.5-") && text.toLowerCase(Locale.ROOT).contains("mariadb")
                ? text.substring("5.5.5-".length()) : text;
        Matcher m = NUMBERS.matcher(numbers);
        if (!m.find()) {
            throw new IllegalArgumentException("cannot read a server version from '" + text + "'");
        }
        return new MySqlServerVersion(text.toLowerCase(Locale.ROOT).contains("mariadb"), Integer.parseInt(m.group(1)),
                Integer.parseInt(m.group(2)), m.group(3) == null ? 0 : Integer.parseInt(m.group(3)), text);
    }

    /** The version of the server behind {@code connection}. */
    public static MySqlServerVersion of(Connection connection) throws SQLException {
        try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery("SELECT VERSION()")) {
            rs.next();
            return parse(rs.getString(1));
        }
    }

    public boolean atLeast(int major, int minor, int patch) {
        if (this.major != major) {
            return this.major > major;
        }
        if (this.minor != minor) {
            return this.minor > minor;
        }
        return this.patch >= patch;
    }

    /** MySQL 8.2 or newer: the binlog statements have their new names (the old ones are gone from 8.4). */
    private boolean newBinlogStatements() {
        return !mariaDb && atLeast(8, 2, 0);
    }

    /** The binlog file and position the server writes next (columns 1 and 2 of the answer). */
    public String binaryLogStatusStatement() {
        return newBinlogStatements() ? "SHOW BINARY LOG STATUS" : "SHOW MASTER STATUS";
    }

    /** Deletes every binlog file and starts the numbering again (tests and recovery advice only). */
    public String resetBinaryLogsStatement() {
        return newBinlogStatements() ? "RESET BINARY LOGS AND GTIDS" : "RESET MASTER";
    }

    @Override
    public String toString() {
        return (mariaDb ? "MariaDB " : "MySQL ") + text;
    }
}
