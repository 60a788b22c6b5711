package io.tributary.api.endpoint;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;

/**
 * The ClickHouse types an endpoint parameter may have. A request value is parsed here and turned
 * into its canonical text, which ClickHouse then parses again as a server-side parameter: the
 * value never becomes part of the SQL text, and a value ClickHouse would coerce is refused first.
 */
public enum ParameterType {
    STRING("String"),
    INT8("Int8", -128, 127), INT16("Int16", -32768, 32767), INT32("Int32", Integer.MIN_VALUE, Integer.MAX_VALUE),
    INT64("Int64", Long.MIN_VALUE, Long.MAX_VALUE),
    UINT8("UInt8", 0, 255), UINT16("UInt16", 0, 65535), UINT32("UInt32", 0, 4294967295L),
    UINT64("UInt64", BigInteger.ZERO, new BigInteger("18446744073709551615")),
    FLOAT64("Float64"), DECIMAL("Decimal"),
    BOOL("Bool"), DATE("Date"), DATETIME("DateTime");

    private static final int MAX_STRING_LENGTH = 4096;
    private static final DateTimeFormatter DATETIME_OUT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT);
    private static final Map<String, Boolean> BOOLEANS = Map.of("true", true, "1", true, "false", false, "0", false);

    private final String clickhouseName;
    private final BigInteger min;
    private final BigInteger max;

    ParameterType(String clickhouseName) {
        this(clickhouseName, null, null);
    }

    ParameterType(String clickhouseName, long min, long max) {
        this(clickhouseName, BigInteger.valueOf(min), BigInteger.valueOf(max));
    }

    ParameterType(String clickhouseName, BigInteger min, BigInteger max) {
        this.clickhouseName = clickhouseName;
        this.min = min;
        this.max = max;
    }

    /** The type as written in an endpoint header and in {@code {name:Type}} placeholders. */
    public String clickhouseName() {
        return clickhouseName;
    }

    public boolean isNumeric() {
        return min != null || this == FLOAT64 || this == DECIMAL;
    }

    public static ParameterType of(String name) {
        for (ParameterType t : values()) {
            if (t.clickhouseName.equals(name)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unsupported parameter type '" + name + "'; use one of " + names());
    }

    public static String names() {
        StringBuilder b = new StringBuilder();
        for (ParameterType t : values()) {
            b.append(b.length() == 0 ? "" : ", ").append(t.clickhouseName);
        }
        return b.toString();
    }

    /**
     * The canonical text of a request value, or {@link IllegalArgumentException} saying what is
     * expected. Numbers come back as plain decimal text, dates as ISO text.
     */
    public String canonical(String raw) {
        switch (this) {
            case STRING -> {
                if (raw.length() > MAX_STRING_LENGTH) {
                    throw new IllegalArgumentException("is longer than " + MAX_STRING_LENGTH + " characters");
                }
                if (raw.indexOf('\0') >= 0) {
                    throw new IllegalArgumentException("contains a NUL character");
                }
                return raw;
            }
            case FLOAT64 -> {
                try {
                    double d = Double.parseDouble(raw);
                    if (!Double.isFinite(d) || !raw.matches("[-+]?[0-9]*\\.?[0-9]+([eE][-+]?[0-9]+)?")) {
                        throw new NumberFormatException();
                    }
                    return Double.toString(d);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("is not a finite decimal number");
                }
            }
            case DECIMAL -> {
                try {
                    if (!raw.matches("[-+]?[0-9]+(\\.[0-9]+)?")) {
                        throw new NumberFormatException();
                    }
                    return new BigDecimal(raw).toPlainString();
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("is not a decimal number like 12.50");
                }
            }
            case BOOL -> {
                Boolean b = BOOLEANS.get(raw.toLowerCase(Locale.ROOT));
                if (b == null) {
                    throw new IllegalArgumentException("is not true, false, 1 or 0");
                }
                return b ? "true" : "false";
            }
            case DATE -> {
                try {
                    return LocalDate.parse(raw).toString();
                } catch (DateTimeParseException e) {
                    throw new IllegalArgumentException("is not a date like 2005-05-24");
                }
            }
            case DATETIME -> {
                try {
                    return LocalDateTime.parse(raw.replace(' ', 'T')).format(DATETIME_OUT);
                } catch (DateTimeParseException e) {
                    throw new IllegalArgumentException("is not a date-time like 2005-05-24T22:53:30");
                }
            }
            default -> {
                if (!raw.matches("[-+]?[0-9]{1,20}")) {
                    throw new IllegalArgumentException("is not a whole number");
                }
                BigInteger v = new BigInteger(raw);
                if (v.compareTo(min) < 0 || v.compareTo(max) > 0) {
                    throw new IllegalArgumentException("is outside " + clickhouseName + " (" + min + " to " + max + ")");
                }
                return v.toString();
            }
        }
    }

    /** Orders canonical values of this type (for min/max bounds); strings and booleans are not ordered. */
    int compare(String a, String b) {
        return switch (this) {
            case FLOAT64 -> Double.compare(Double.parseDouble(a), Double.parseDouble(b));
            case DECIMAL -> new BigDecimal(a).compareTo(new BigDecimal(b));
            case DATE, DATETIME -> a.compareTo(b);
            case STRING, BOOL -> throw new IllegalArgumentException(clickhouseName + " values have no min/max");
            default -> new BigInteger(a).compareTo(new BigInteger(b));
        };
    }
}
