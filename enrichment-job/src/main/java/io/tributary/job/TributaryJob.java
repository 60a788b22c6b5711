package io.tributary.job;

import io.tributary.cdc.event.ChangeEvent;
import io.tributary.cdc.event.ChangeEventTypeInfo;
import io.tributary.cdc.source.MySqlCdcSource;
import io.tributary.job.enrich.EnrichFacts;
import io.tributary.job.enrich.Enrichment;
import io.tributary.sink.clickhouse.sink.ClickHouseChangelogSink;
import io.tributary.sink.clickhouse.sink.ClickHouseSink;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The pipeline. One binlog reader feeds three branches:
 * <ul>
 *   <li>keyed by table and primary key, deduplicated by source position, into the versioned
 *       tables (parallel; per-key order holds because one reader feeds every key's partition);</li>
 *   <li>per enrichment, in binlog order, into {@link EnrichFacts}, whose enriched rows go to
 *       versioned tables of their own;</li>
 *   <li>for tables analytics views read (plain or enriched) and tables without a primary key,
 *       keyed by table into the changelog sink, which keeps the views exact and stores keyless
 *       tables as multisets.</li>
 * </ul>
 */
public final class TributaryJob {
    private TributaryJob() {}

    /**
     * A row change of a table without a primary key: no identity to version, kept as a changelog only.
     * A table-wide event (TRUNCATE, DDL, a snapshot's begin) is not one: it carries no key, so it goes to
     * both sinks.
     */
    static boolean isKeylessRow(ChangeEvent e) {
        return !isTableWide(e) && !e.schema().hasPrimaryKey();
    }

    static boolean isTableWide(ChangeEvent e) {
        return e.op() == ChangeEvent.Op.DDL || e.op() == ChangeEvent.Op.TRUNCATE || e.op() == ChangeEvent.Op.SNAPSHOT_BEGIN;
    }

    /**
     * Partitions by key for the operators after the reader. With one task per operator (the embedded default),
     * every key already lives in that task: the stream is declared keyed as it is, so the operators chain
     * into the reader's thread and no event is serialized between them (a profile found the keyed exchange,
     * serializing and copying each event, among the costs per row: docs/benchmarks.md).
     */
    static KeyedStream<ChangeEvent, String> byKey(DataStream<ChangeEvent> stream, KeySelector<ChangeEvent, String> key,
                                                  boolean oneTask) {
        return oneTask ? DataStreamUtils.reinterpretAsKeyedStream(stream, key, Types.STRING) : stream.keyBy(key, Types.STRING);
    }

    public static void build(StreamExecutionEnvironment env, MySqlCdcSource source, ClickHouseSink sink,
                             ClickHouseChangelogSink changelogSink, List<Enrichment> enrichments) {
        boolean oneTask = env.getParallelism() == 1;
        DataStream<ChangeEvent> changes = env.fromSource(source, WatermarkStrategy.noWatermarks(), "mysql-binlog")
                .setParallelism(1)
                .uid("mysql-binlog");
        DataStream<ChangeEvent> current = byKey(changes.filter(e -> !isKeylessRow(e)).setParallelism(1).name("rows with a key"),
                        ChangeEvent::key, oneTask)
                .process(new DeduplicateByPosition(), ChangeEventTypeInfo.INSTANCE)
                .uid("deduplicate-by-position")
                .name("deduplicate-by-position");

        List<DataStream<ChangeEvent>> enriched = new ArrayList<>();
        for (Enrichment enrichment : enrichments) {
            String name = enrichment.name();
            // Parallelism 1 keeps the reader's order up to the enrichment's single key.
            enriched.add(byKey(changes.filter(enrichment::reads).setParallelism(1).name("reads " + name), e -> name, oneTask)
                    .process(new EnrichFacts(enrichment), ChangeEventTypeInfo.INSTANCE)
                    .uid("enrich-" + name)
                    .name("enrich " + name));
        }
        DataStream<ChangeEvent> versioned = current;
        for (DataStream<ChangeEvent> stream : enriched) {
            versioned = versioned.union(byKey(stream, ChangeEvent::key, oneTask));
        }
        versioned.sinkTo(sink)
                .uid("clickhouse-sink")
                .name("clickhouse");

        Set<String> sources = changelogSink.sources();
        DataStream<ChangeEvent> logged = changes.filter(e -> sources.contains(e.table()) || isKeylessRow(e)
                        || isTableWide(e)).setParallelism(1)
                .name("changelogs");
        for (DataStream<ChangeEvent> stream : enriched) {
            logged = logged.union(stream.filter(e -> sources.contains(e.table())).name("enriched changes for views"));
        }
        byKey(logged, ChangeEvent::qualifiedTable, oneTask)
                .sinkTo(changelogSink)
                .uid("clickhouse-changelogs")
                .name("clickhouse changelogs");
    }
}
