package io.tributary.cdc.event;

/**
 * One MySQL column as the binlog describes it.
 *
 * @param sourceType MySQL's type name, upper case, e.g. {@code INT UNSIGNED}, {@code DATETIME}
 * @param length declared length or fractional-second precision, -1 when MySQL declares none
 * @param scale declared scale (DECIMAL), -1 when none
 * @param defaultValue MySQL's default as canonical text (like values), null when none or NULL
 */
public record ColumnSchema(String name, String sourceType, int length, int scale, boolean nullable, boolean key,
                           String defaultValue) implements java.io.Serializable {
    public ColumnSchema(String name, String sourceType, int length, int scale, boolean nullable, boolean key) {
        this(name, sourceType, length, scale, nullable, key, null);
    }

    /** Whether values are bytes, carried as hex text (BLOB, BINARY, GEOMETRY, ...). */
    public boolean isBinary() {
        return ValueKinds.isBinary(sourceType);
    }
}
