package io.tributary.cdc.debezium;

import io.debezium.config.Configuration;
import io.debezium.document.DocumentReader;
import io.debezium.document.DocumentWriter;
import io.debezium.relational.history.AbstractSchemaHistory;
import io.debezium.relational.history.HistoryRecord;
import io.debezium.relational.history.HistoryRecordComparator;
import io.debezium.relational.history.SchemaHistoryException;
import io.debezium.relational.history.SchemaHistoryListener;
import java.io.IOException;
import java.util.function.Consumer;

/**
 * Debezium's schema history kept in Flink state: recovered from the checkpoint, appended to as
 * DDL streams by, and checkpointed together with the binlog offset.
 */
public final class StateSchemaHistory extends AbstractSchemaHistory {
    static final String ID_PROPERTY = "schema.history.internal." + EngineStateRegistry.ID_PROPERTY;
    private EngineStateRegistry.EngineState state;

    @Override
    public void configure(Configuration config, HistoryRecordComparator comparator, SchemaHistoryListener listener,
                          boolean useCatalogBeforeSchema) {
        super.configure(config, comparator, listener, useCatalogBeforeSchema);
        String id = config.getString(ID_PROPERTY);
        state = EngineStateRegistry.get(id != null ? id : config.getString(EngineStateRegistry.ID_PROPERTY));
    }

    @Override
    protected void storeRecord(HistoryRecord record) throws SchemaHistoryException {
        try {
            state.appendHistory(DocumentWriter.defaultWriter().write(record.document()));
        } catch (IOException e) {
            throw new SchemaHistoryException("cannot serialise a schema history record", e);
        }
    }

    @Override
    protected void recoverRecords(Consumer<HistoryRecord> records) {
        for (String json : state.history()) {
            try {
                records.accept(new HistoryRecord(DocumentReader.defaultReader().read(json)));
            } catch (IOException e) {
                throw new SchemaHistoryException("corrupt schema history record in the checkpoint: " + json, e);
            }
        }
    }

    @Override
    public boolean exists() {
        return !state.history().isEmpty();
    }

    @Override
    public boolean storageExists() {
        return true;
    }

    @Override
    public String toString() {
        return "Flink state";
    }
}
