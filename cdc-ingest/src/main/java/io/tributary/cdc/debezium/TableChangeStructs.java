package io.tributary.cdc.debezium;

import io.debezium.relational.Column;
import io.debezium.relational.ColumnEditor;
import io.debezium.relational.Table;
import io.debezium.relational.TableEditor;
import io.debezium.relational.TableId;
import java.util.List;
import org.apache.kafka.connect.data.Struct;

/**
 * A table structure out of a schema change record's {@code tableChanges} entry, the inverse of
 * Debezium's {@code ConnectTableChangeSerializer.toStruct}, whose own {@code deserialize} is not
 * implemented in 3.6.1 ("Deserialization from Connect Struct is not supported").
 */
final class TableChangeStructs {
    private TableChangeStructs() {}

    /** The table a {@code tableChanges} entry ({@code type}, {@code id}, {@code table}) describes, or null (DROP). */
    static Table table(String database, String tableName, Struct change) {
        Struct table = change.getStruct("table");
        if (table == null) {
            return null;
        }
        TableEditor editor = Table.editor().tableId(new TableId(database, null, tableName));
        String charset = string(table, "defaultCharsetName");
        if (charset != null) {
            editor.setDefaultCharsetName(charset);
        }
        for (Object c : table.getArray("columns")) {
            editor.addColumn(column((Struct) c));
        }
        List<String> key = table.getArray("primaryKeyColumnNames");
        if (key != null) {
            editor.setPrimaryKeyNames(key);
        }
        String comment = string(table, "comment");
        if (comment != null) {
            editor.setComment(comment);
        }
        return editor.create();
    }

    private static Column column(Struct c) {
        ColumnEditor column = Column.editor().name(c.getString("name")).jdbcType(c.getInt32("jdbcType"))
                .type(c.getString("typeName"), string(c, "typeExpression"))
                .position(c.getInt32("position")).optional(c.getBoolean("optional"));
        Integer nativeType = c.schema().field("nativeType") == null ? null : c.getInt32("nativeType");
        if (nativeType != null) {
            column.nativeType(nativeType);
        }
        if (string(c, "charsetName") != null) {
            column.charsetName(c.getString("charsetName"));
        }
        if (c.schema().field("length") != null && c.getInt32("length") != null) {
            column.length(c.getInt32("length"));
        }
        if (c.schema().field("scale") != null && c.getInt32("scale") != null) {
            column.scale(c.getInt32("scale"));
        }
        if (c.schema().field("autoIncremented") != null && c.getBoolean("autoIncremented") != null) {
            column.autoIncremented(c.getBoolean("autoIncremented"));
        }
        if (c.schema().field("generated") != null && c.getBoolean("generated") != null) {
            column.generated(c.getBoolean("generated"));
        }
        if (string(c, "comment") != null) {
            column.comment(c.getString("comment"));
        }
        if (string(c, "defaultValueExpression") != null) {
            column.defaultValueExpression(c.getString("defaultValueExpression"));
        }
        if (c.schema().field("enumValues") != null && c.getArray("enumValues") != null) {
            column.enumValues(c.getArray("enumValues"));
        }
        return column.create();
    }

    private static String string(Struct s, String field) {
        return s.schema().field(field) == null ? null : s.getString(field);
    }
}
