package io.tributary.job;

import io.tributary.cdc.event.ChangeEvent;
import io.tributary.cdc.event.ChangeEventTypeInfo;
import io.tributary.cdc.source.MySqlCdcSource;
import io.tributary.sink.clickhouse.sink.ClickHouseSink;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The pipeline: MySQL snapshot + binlog (one reader) -> keyed by table and primary key ->
 * deduplicated by source position -> ClickHouse. Parallelism downstream of the reader comes from
 * the environment; per-key order holds because one reader feeds every key's partition.
 */
public final class TributaryJob {
    private TributaryJob() {}

    public static void build(StreamExecutionEnvironment env, MySqlCdcSource source, ClickHouseSink sink) {
        DataStream<ChangeEvent> changes = env.fromSource(source, WatermarkStrategy.noWatermarks(), "mysql-binlog")
                .setParallelism(1)
                .uid("mysql-binlog");
        changes.keyBy(ChangeEvent::key, Types.STRING)
                .process(new DeduplicateByPosition(), ChangeEventTypeInfo.INSTANCE)
                .uid("deduplicate-by-position")
                .name("deduplicate-by-position")
                .sinkTo(sink)
                .uid("clickhouse-sink")
                .name("clickhouse");
    }
}
