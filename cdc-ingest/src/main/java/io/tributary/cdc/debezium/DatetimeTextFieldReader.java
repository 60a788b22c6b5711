package io.tributary.cdc.debezium;

import io.debezium.connector.mysql.MySqlConnectorConfig;
import io.debezium.connector.mysql.jdbc.MySqlTextProtocolFieldReader;
import io.debezium.relational.Column;
import io.debezium.relational.Table;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDateTime;

/**
 * Debezium's text-protocol field reader with a cheaper way to DATETIME values, for the snapshot
 * readers. Debezium reads each DATETIME as a Blob, makes a String of it, checks it for zero parts,
 * allocates a Calendar and asks Connector/J for a {@code java.sql.Timestamp}: 22-24 % of the snapshot
 * reader thread's CPU samples on {@code bench/snapshot.sh}'s table (one DATETIME(6) column,
 * docs/benchmarks.md). The text MySQL sends, {@code YYYY-MM-DD hh:mm:ss[.f…]}, is parsed here into
 * the {@link LocalDateTime} Debezium's converter turns the Timestamp into anyway, so rows come out
 * the same. Anything else (NULL, zero dates and zero parts, TIMESTAMP columns, which
 * depend on the session's time zone) goes to Debezium's reader as before.
 */
public final class DatetimeTextFieldReader extends MySqlTextProtocolFieldReader {
    public DatetimeTextFieldReader(MySqlConnectorConfig config) {
        super(config);
    }

    @Override
    protected Object readTimestampField(ResultSet rs, int columnIndex, Column column, Table table) throws SQLException {
        if (!"DATETIME".equalsIgnoreCase(column.typeName())) {
            return super.readTimestampField(rs, columnIndex, column, table);
        }
        byte[] text = rs.getBytes(columnIndex);
        LocalDateTime parsed = text == null ? null : parse(text);
        return parsed != null ? parsed : super.readTimestampField(rs, columnIndex, column, table);
    }

    /**
     * {@code YYYY-MM-DD hh:mm:ss} with an optional fraction of 1 to 9 digits, every part in range and
     * no part of the date zero; null for anything else.
     */
    static LocalDateTime parse(byte[] t) {
        if (t.length < 19 || t[4] != '-' || t[7] != '-' || t[10] != ' ' || t[13] != ':' || t[16] != ':') {
            return null;
        }
        int year = digits(t, 0, 4);
        int month = digits(t, 5, 2);
        int day = digits(t, 8, 2);
        int hour = digits(t, 11, 2);
        int minute = digits(t, 14, 2);
        int second = digits(t, 17, 2);
        if (year < 1 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59
                || second < 0 || second > 59) {
            return null;
        }
        int nanos = 0;
        if (t.length > 19) {
            int fraction = t.length - 20;
            if (t[19] != '.' || fraction < 1 || fraction > 9) {
                return null;
            }
            nanos = digits(t, 20, fraction);
            if (nanos < 0) {
                return null;
            }
            for (int i = fraction; i < 9; i++) {
                nanos *= 10;
            }
        }
        if (day > java.time.YearMonth.of(year, month).lengthOfMonth()) {
            return null;
        }
        return LocalDateTime.of(year, month, day, hour, minute, second, nanos);
    }

    /** The number written by {@code count} ASCII digits at {@code from}, or -1 if one is not a digit. */
    private static int digits(byte[] t, int from, int count) {
        int value = 0;
        for (int i = from; i < from + count; i++) {
            int d = t[i] - '0';
            if (d < 0 || d > 9) {
                return -1;
            }
            value = value * 10 + d;
        }
        return value;
    }
}
