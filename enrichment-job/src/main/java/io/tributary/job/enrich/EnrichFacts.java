package io.tributary.job.enrich;

import io.tributary.cdc.event.ChangeEvent;
import io.tributary.cdc.event.ChangeEventTypeInfo;
import io.tributary.cdc.event.ColumnSchema;
import io.tributary.cdc.event.SnapshotScope;
import io.tributary.cdc.event.SourcePosition;
import io.tributary.cdc.event.TableSchema;
import io.tributary.sink.clickhouse.schema.DdlStatements;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.BasicArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one enrichment's fact and lookup rows in keyed state (one key per enrichment) and emits
 * the enriched fact rows: the fact's columns plus the looked-up ones, exactly what the
 * enrichment's LEFT JOIN query returns on MySQL at the same binlog position.
 *
 * <p>A changed lookup row re-emits every fact that reaches it (through reverse indexes kept per
 * join), each as an UPDATE carrying the image emitted before, so changelogs retract it. A fact
 * whose lookup row is not there yet gets NULLs and is emitted again when the row arrives. Every
 * emission has the version of the change that caused it, so versions grow per fact and replays
 * are identical. Input must be in binlog order (straight from the single reader).
 */
public final class EnrichFacts extends KeyedProcessFunction<String, ChangeEvent, ChangeEvent> {
    private static final Logger LOG = LoggerFactory.getLogger(EnrichFacts.class);
    private static final char SEP = '\u0000';

    private final Enrichment enrichment;
    /** Row key (ChangeEvent.key()) -> the row, for the fact and every lookup table. */
    private transient MapState<String, ChangeEvent> rows;
    /** join alias + SEP + value of the parent's join column -> keys of the parent rows with that value. */
    private transient MapState<String, String[]> referencing;
    /** Fact key -> the enriched row last emitted for it. */
    private transient MapState<String, ChangeEvent> emitted;
    /** The newest row of the fact table seen: its schema shapes every emitted row. */
    private transient ValueState<ChangeEvent> factShape;
    /** Position of the snapshot the state was built from. */
    private transient ValueState<String> snapshot;

    public EnrichFacts(Enrichment enrichment) {
        this.enrichment = enrichment;
    }

    @Override
    public void open(OpenContext context) {
        rows = getRuntimeContext().getMapState(new MapStateDescriptor<>("rows", Types.STRING, ChangeEventTypeInfo.INSTANCE));
        referencing = getRuntimeContext().getMapState(new MapStateDescriptor<>("referencing", Types.STRING,
                BasicArrayTypeInfo.STRING_ARRAY_TYPE_INFO));
        emitted = getRuntimeContext().getMapState(new MapStateDescriptor<>("emitted", Types.STRING,
                ChangeEventTypeInfo.INSTANCE));
        factShape = getRuntimeContext().getState(new ValueStateDescriptor<>("fact-shape", ChangeEventTypeInfo.INSTANCE));
        snapshot = getRuntimeContext().getState(new ValueStateDescriptor<>("snapshot", Types.STRING));
    }

    @Override
    public void processElement(ChangeEvent event, Context ctx, Collector<ChangeEvent> out) throws Exception {
        switch (event.op()) {
            case SNAPSHOT_BEGIN -> began(event, out);
            case DDL -> dropped(event, out);
            case TRUNCATE -> emptied(event.qualifiedTable(), event, out);
            default -> changed(event, event.op().isDelete() ? null : event, event, out);
        }
    }

    /**
     * A table's snapshot begins. Of the fact table, the enriched rows begin again too: they come out as
     * snapshot rows at its position, and what was stored before it (facts deleted since) goes.
     */
    private void began(ChangeEvent begin, Collector<ChangeEvent> out) throws Exception {
        startedSnapshot(begin.position());
        if (begin.qualifiedTable().equals(enrichment.factTable())) {
            out.collect(ChangeEvent.snapshotBegin(begin.database(), enrichment.name(), begin.position(),
                    begin.sourceTimestampMs(), SnapshotScope.whole()));
        }
    }

    /**
     * A snapshot at a new position replaces everything known (an earlier attempt was abandoned;
     * rows it read may be gone since), so the state starts empty.
     */
    private void startedSnapshot(SourcePosition position) throws Exception {
        String at = position.toVersionString();
        if (at.equals(snapshot.value())) {
            return;
        }
        if (snapshot.value() != null) {
            LOG.info("Enrichment {}: a new snapshot at {} replaces the state built before", enrichment.name(), position);
            rows.clear();
            referencing.clear();
            emitted.clear();
            factShape.clear();
        }
        snapshot.update(at);
    }

    private void dropped(ChangeEvent ddl, Collector<ChangeEvent> out) throws Exception {
        for (DdlStatements.Action action : DdlStatements.parse(ddl.database(), ddl.ddl())) {
            if (action instanceof DdlStatements.DropTable drop && enrichment.tables().contains(drop.table())) {
                emptied(drop.table(), ddl, out);
            } else if (action instanceof DdlStatements.RenameTable rename && enrichment.tables().contains(rename.from())) {
                LOG.warn("Enrichment {}: {} was renamed to {}; its rows stay as they were until the enrichment file "
                        + "names the new table", enrichment.name(), rename.from(), rename.to());
            }
        }
    }

    /** TRUNCATE or DROP: every row of the table goes, as if deleted one by one. */
    private void emptied(String table, ChangeEvent cause, Collector<ChangeEvent> out) throws Exception {
        List<ChangeEvent> gone = new ArrayList<>();
        for (Map.Entry<String, ChangeEvent> e : rows.entries()) {
            if (e.getValue().qualifiedTable().equals(table)) {
                gone.add(e.getValue());
            }
        }
        for (ChangeEvent row : gone) {
            changed(row, null, cause, out);
        }
    }

    /** One row of the fact or a lookup table became {@code now} (null: deleted). */
    private void changed(ChangeEvent row, ChangeEvent now, ChangeEvent cause, Collector<ChangeEvent> out) throws Exception {
        String key = row.key();
        ChangeEvent was = rows.get(key);
        if (now == null) {
            rows.remove(key);
        } else {
            rows.put(key, now);
        }
        String table = row.qualifiedTable();
        for (Enrichment.Lookup lookup : enrichment.lookups()) {
            if (tableOf(lookup.parentAlias()).equals(table)) {
                String before = was == null ? null : value(was, lookup.parentColumn());
                String after = now == null ? null : value(now, lookup.parentColumn());
                if (!java.util.Objects.equals(before, after) || was == null || now == null) {
                    unreference(lookup.alias(), before, key);
                    reference(lookup.alias(), after, key);
                }
            }
        }
        Set<String> facts = new TreeSet<>();
        if (table.equals(enrichment.factTable())) {
            facts.add(key);
            if (now != null) {
                factShape.update(now);
            }
        }
        for (Enrichment.Lookup lookup : enrichment.lookups()) {
            if (lookup.table().equals(table)) {
                collectFacts(lookup, primaryKeyValue(key), facts);
            }
        }
        for (String fact : facts) {
            emit(fact, cause, out);
        }
    }

    /** Facts whose join path reaches the row {@code keyValue} of {@code lookup}. */
    private void collectFacts(Enrichment.Lookup lookup, String keyValue, Set<String> facts) throws Exception {
        String[] parents = referencing.get(lookup.alias() + SEP + keyValue);
        if (parents == null) {
            return;
        }
        if (lookup.parentAlias().equals(enrichment.factAlias())) {
            facts.addAll(Arrays.asList(parents));
            return;
        }
        Enrichment.Lookup parent = lookupOf(lookup.parentAlias());
        for (String parentKey : parents) {
            collectFacts(parent, primaryKeyValue(parentKey), facts);
        }
    }

    private void emit(String factKey, ChangeEvent cause, Collector<ChangeEvent> out) throws Exception {
        ChangeEvent fact = rows.get(factKey);
        ChangeEvent previous = emitted.get(factKey);
        ChangeEvent.Op op = cause.op() == ChangeEvent.Op.SNAPSHOT ? ChangeEvent.Op.SNAPSHOT : null;
        if (fact == null) {
            if (previous != null) {
                emitted.remove(factKey);
                out.collect(new ChangeEvent(previous.database(), previous.table(), ChangeEvent.Op.DELETE,
                        cause.position(), cause.sourceTimestampMs(), previous.schema(), previous.values()));
            }
            return;
        }
        TableSchema schema = enrichedSchema();
        String[] values = enrichedValues(fact, schema);
        String[] before = previous == null ? null : reshaped(previous, schema);
        if (before != null && Arrays.equals(before, values) && previous.schema().equals(schema)) {
            return;
        }
        if (op == null) {
            op = previous == null ? ChangeEvent.Op.INSERT : ChangeEvent.Op.UPDATE;
        }
        ChangeEvent enriched = ChangeEvent.replacing(fact.database(), enrichment.name(), op, cause.position(),
                cause.sourceTimestampMs(), schema, values, before);
        emitted.put(factKey, enriched);
        out.collect(enriched);
    }

    private TableSchema enrichedSchema() throws Exception {
        List<ColumnSchema> columns = new ArrayList<>(factShape.value().schema().columns());
        enrichment.columns().forEach(c -> columns.add(c.schema()));
        return new TableSchema(columns);
    }

    private String[] enrichedValues(ChangeEvent fact, TableSchema schema) throws Exception {
        Map<String, ChangeEvent> rowOfAlias = new HashMap<>();
        rowOfAlias.put(enrichment.factAlias(), fact);
        for (Enrichment.Lookup lookup : enrichment.lookups()) {
            ChangeEvent parent = rowOfAlias.get(lookup.parentAlias());
            String value = parent == null ? null : value(parent, lookup.parentColumn());
            rowOfAlias.put(lookup.alias(), value == null ? null : rows.get(lookup.table() + SEP + value));
        }
        List<ColumnSchema> columns = schema.columns();
        int factColumns = columns.size() - enrichment.columns().size();
        String[] values = new String[columns.size()];
        for (int i = 0; i < factColumns; i++) {
            ColumnSchema c = columns.get(i);
            int at = indexOf(fact, c.name());
            values[i] = at >= 0 ? fact.value(at) : c.defaultValue();
        }
        for (int i = 0; i < enrichment.columns().size(); i++) {
            Enrichment.AddedColumn added = enrichment.columns().get(i);
            ChangeEvent source = rowOfAlias.get(added.alias());
            values[factColumns + i] = source == null ? null : value(source, added.sourceColumn());
        }
        return values;
    }

    /** An earlier emission in today's column layout (the fact table may have gained columns since). */
    private static String[] reshaped(ChangeEvent previous, TableSchema schema) {
        if (previous.schema().equals(schema)) {
            return previous.values();
        }
        String[] values = new String[schema.columns().size()];
        for (int i = 0; i < values.length; i++) {
            ColumnSchema c = schema.columns().get(i);
            int at = indexOf(previous, c.name());
            values[i] = at >= 0 ? previous.value(at) : c.defaultValue();
        }
        return values;
    }

    private void reference(String alias, String value, String parentKey) throws Exception {
        if (value == null) {
            return;
        }
        String slot = alias + SEP + value;
        String[] keys = referencing.get(slot);
        if (keys == null) {
            referencing.put(slot, new String[] {parentKey});
        } else if (!Arrays.asList(keys).contains(parentKey)) {
            String[] more = Arrays.copyOf(keys, keys.length + 1);
            more[keys.length] = parentKey;
            referencing.put(slot, more);
        }
    }

    private void unreference(String alias, String value, String parentKey) throws Exception {
        if (value == null) {
            return;
        }
        String slot = alias + SEP + value;
        String[] keys = referencing.get(slot);
        if (keys == null) {
            return;
        }
        String[] fewer = Arrays.stream(keys).filter(k -> !k.equals(parentKey)).toArray(String[]::new);
        if (fewer.length == 0) {
            referencing.remove(slot);
        } else {
            referencing.put(slot, fewer);
        }
    }

    private String tableOf(String alias) {
        return alias.equals(enrichment.factAlias()) ? enrichment.factTable() : lookupOf(alias).table();
    }

    private Enrichment.Lookup lookupOf(String alias) {
        return enrichment.lookups().stream().filter(l -> l.alias().equals(alias)).findFirst()
                .orElseThrow(() -> new IllegalStateException("unknown alias " + alias));
    }

    /** A lookup row's key is {@code db.table SEP value}: its single primary-key column. */
    private static String primaryKeyValue(String key) {
        return key.substring(key.indexOf(SEP) + 1);
    }

    private static String value(ChangeEvent row, String column) {
        int at = indexOf(row, column);
        return at < 0 ? null : row.value(at);
    }

    private static int indexOf(ChangeEvent row, String column) {
        List<ColumnSchema> columns = row.schema().columns();
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i).name().equalsIgnoreCase(column)) {
                return i;
            }
        }
        return -1;
    }
}
