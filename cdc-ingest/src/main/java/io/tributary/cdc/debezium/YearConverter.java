package io.tributary.cdc.debezium;

import io.debezium.spi.converter.CustomConverter;
import io.debezium.spi.converter.RelationalColumn;
import java.util.Locale;
import java.util.Properties;
import org.apache.kafka.connect.data.SchemaBuilder;

/**
 * MySQL YEAR values as MySQL holds them. Debezium's own YEAR conversion always applies its
 * two-digit-year rule (even with enable.time.adjuster=false), which turns YEAR 0000 into 2000;
 * a YEAR column can only hold 0000 or 1901..2155, so the stored number is already the year. The
 * binlog stores YEAR as (year - 1900) in one byte with 0 for 0000, which the binlog reader turns
 * into 1900: not a valid YEAR, so it means 0000.
 */
public final class YearConverter implements CustomConverter<SchemaBuilder, RelationalColumn> {
    @Override
    public void configure(Properties properties) {}

    static int fromBinlog(int year) {
        return year == 1900 ? 0 : year;
    }

    @Override
    public void converterFor(RelationalColumn column, ConverterRegistration<SchemaBuilder> registration) {
        if (!"YEAR".equals(column.typeName().toUpperCase(Locale.ROOT))) {
            return;
        }
        SchemaBuilder schema = SchemaBuilder.int32();
        if (column.isOptional()) {
            schema.optional();
        }
        registration.register(schema, value -> {
            if (value == null) {
                return null;
            }
            if (value instanceof java.time.Year year) {
                return fromBinlog(year.getValue());
            }
            if (value instanceof Number number) {
                return fromBinlog(number.intValue());
            }
            if (value instanceof java.sql.Date date) {
                return date.toLocalDate().getYear();
            }
            if (value instanceof String text) {
                return Integer.parseInt(text.trim());
            }
            throw new IllegalArgumentException("YEAR column " + column.dataCollection() + "." + column.name()
                    + " has an unexpected value of " + value.getClass().getName() + ": " + value);
        });
    }
}
