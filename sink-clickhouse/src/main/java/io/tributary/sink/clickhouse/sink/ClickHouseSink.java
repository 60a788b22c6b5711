package io.tributary.sink.clickhouse.sink;

import io.tributary.cdc.event.ChangeEvent;
import io.tributary.cdc.source.TableControl;
import io.tributary.sink.clickhouse.sink.writer.ClickHouseSinkWriter;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;

/**
 * Writes change events to ClickHouse versioned tables in batches. Buffers are flushed before
 * every checkpoint completes, so a checkpoint never covers rows ClickHouse has not stored; rows
 * written after the last checkpoint are written again on restart with the same versions, which
 * ReplacingMergeTree collapses (at-least-once delivery, exactly-once result).
 */
public final class ClickHouseSink implements Sink<ChangeEvent> {
    private final ClickHouseSinkConfig config;
    /** Tables whose changelogs analytics views keep (see {@link ClickHouseChangelogSink}). */
    private final java.util.Set<String> viewSources;
    private final TableControl tableControl;

    private ClickHouseSink(ClickHouseSinkConfig config, java.util.Set<String> viewSources, TableControl tableControl) {
        this.config = config;
        this.viewSources = java.util.Set.copyOf(viewSources);
        this.tableControl = tableControl;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public SinkWriter<ChangeEvent> createWriter(WriterInitContext context) {
        return new ClickHouseSinkWriter(config, viewSources, context.getProcessingTimeService(),
                context.getTaskInfo().getNumberOfParallelSubtasks(), tableControl);
    }

    /** Builds a sink from {@link ClickHouseSinkOptions}. */
    public static final class Builder {
        private final Configuration options = new Configuration();
        private TableControl tableControl = TableControl.NONE;

        /** Where to park a table ClickHouse refuses rows of; without one, such an error stops the pipeline. */
        public Builder tableControl(TableControl control) {
            this.tableControl = java.util.Objects.requireNonNull(control, "control");
            return this;
        }

        public Builder options(Configuration settings) {
            options.addAll(settings);
            return this;
        }

        public <T> Builder set(ConfigOption<T> option, T value) {
            options.set(option, value);
            return this;
        }

        public ClickHouseSink build() {
            ClickHouseSinkConfig config = ClickHouseSinkConfig.from(options);
            config.client().checkVersion();
            java.util.Set<String> viewSources = io.tributary.sink.clickhouse.views.ViewFiles.configured(options).stream()
                    .map(io.tributary.sink.clickhouse.views.ViewDefinition::source)
                    .collect(java.util.stream.Collectors.toSet());
            return new ClickHouseSink(config, viewSources, tableControl);
        }
    }
}
