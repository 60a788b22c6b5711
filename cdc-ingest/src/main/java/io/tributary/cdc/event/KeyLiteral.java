package io.tributary.cdc.event;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.regex.Pattern;

/**
 * A primary-key value that bounds a key range both servers must read alike ({@link SnapshotScope}, the
 * verifier's chunks), written as a literal of each server's SQL. Only the canonical texts whose order and
 * value are the same in MySQL and ClickHouse qualify: integers, decimals, dates ({@code 2024-01-31}) and
 * wall-clock date-times ({@code 2024-01-31 12:00:00[.ffffff]}), years 1900-2299, the range of ClickHouse's
 * {@code Date32} and {@code DateTime64}: outside it ClickHouse clamps the value and would place the row
 * elsewhere. Text under a collation does not: ClickHouse compares bytes where MySQL compares weights.
 *
 * <p>Each literal is built only from text that matched its pattern, so writing it into a statement cannot
 * change the statement's meaning.
 */
public final class KeyLiteral {
    private KeyLiteral() {}

    private enum Form { INTEGER, DECIMAL, DATE, DATETIME }

    private static final Pattern INTEGER = Pattern.compile("-?[0-9]{1,65}");
    private static final Pattern DECIMAL = Pattern.compile("-?[0-9]{1,65}\\.[0-9]{1,30}");
    private static final Pattern DATE = Pattern.compile("(19|2[0-2])[0-9]{2}-[0-9]{2}-[0-9]{2}");
    private static final Pattern DATETIME = Pattern.compile(
            "(19|2[0-2])[0-9]{2}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,6})?");
    private static final BigInteger INT64_MIN = BigInteger.valueOf(Long.MIN_VALUE);
    private static final BigInteger UINT64_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

    /** Whether {@code value} can bound a key range read alike by MySQL and ClickHouse. */
    public static boolean isBound(String value) {
        return value != null && form(value) != null;
    }

    private static Form form(String value) {
        if (INTEGER.matcher(value).matches()) {
            return Form.INTEGER;
        }
        if (DECIMAL.matcher(value).matches()) {
            return Form.DECIMAL;
        }
        if (DATE.matcher(value).matches()) {
            return Form.DATE;
        }
        return DATETIME.matcher(value).matches() ? Form.DATETIME : null;
    }

    private static Form checked(String value) {
        Form form = value == null ? null : form(value);
        if (form == null) {
            throw new IllegalArgumentException("a key range bound must be an integer, a decimal, a date or a date-time "
                    + "of the years 1900-2299, got '" + value + "'");
        }
        return form;
    }

    /** Throws unless {@link #isBound}: the message names the value. */
    public static void check(String value) {
        checked(value);
    }

    /**
     * ClickHouse's literal: an integer as is while ClickHouse reads it as a 64-bit integer (a wider one would be
     * a Float64), else a Decimal256 of the text's own scale (compared exactly with a column of any scale); a
     * date and a date-time as Date32 and DateTime64 in UTC, the zone the sink stores them in.
     */
    public static String clickhouse(String value) {
        return switch (checked(value)) {
            case INTEGER -> {
                BigInteger n = new BigInteger(value);
                yield n.compareTo(INT64_MIN) >= 0 && n.compareTo(UINT64_MAX) <= 0 ? n.toString()
                        : "toDecimal256('" + n + "', 0)";
            }
            case DECIMAL -> "toDecimal256('" + value + "', " + (value.length() - value.indexOf('.') - 1) + ")";
            case DATE -> "toDate32('" + value + "')";
            case DATETIME -> "toDateTime64('" + value + "', " + fractionDigits(value) + ", 'UTC')";
        };
    }

    /**
     * MySQL's literal: numbers as exact-value literals (a decimal literal is a DECIMAL, never a double), a
     * date and a date-time as typed literals, compared with a DATE, DATETIME or (in a UTC session) TIMESTAMP
     * column as values, not as text.
     */
    public static String mysql(String value) {
        return switch (checked(value)) {
            case INTEGER, DECIMAL -> value;
            case DATE -> "DATE'" + value + "'";
            case DATETIME -> "TIMESTAMP'" + value + "'";
        };
    }

    /**
     * The value as a statement parameter MySQL compares exactly with its column: a number as BigDecimal, a
     * date or date-time as its text (MySQL converts the text to the column's temporal type).
     */
    public static Object mysqlParameter(String value) {
        return switch (checked(value)) {
            case INTEGER, DECIMAL -> new BigDecimal(value);
            case DATE, DATETIME -> value;
        };
    }

    /**
     * Negative, zero or positive as {@code a} sorts before, with or after {@code b}, two values of one key column:
     * numbers by value, dates and date-times by text (fixed width, so text order is time order).
     */
    public static int compare(String a, String b) {
        Form fa = checked(a);
        Form fb = checked(b);
        boolean numbers = (fa == Form.INTEGER || fa == Form.DECIMAL) && (fb == Form.INTEGER || fb == Form.DECIMAL);
        if (numbers) {
            return new BigDecimal(a).compareTo(new BigDecimal(b));
        }
        if (fa == Form.INTEGER || fa == Form.DECIMAL || fb == Form.INTEGER || fb == Form.DECIMAL) {
            throw new IllegalArgumentException("'" + a + "' and '" + b + "' are not values of one key column");
        }
        return a.compareTo(b);
    }

    private static int fractionDigits(String dateTime) {
        int dot = dateTime.indexOf('.');
        return dot < 0 ? 0 : dateTime.length() - dot - 1;
    }
}
