package io.tributary.sink.clickhouse.sink;

import io.tributary.cdc.event.ChangeEvent;
import io.tributary.sink.clickhouse.sink.writer.ChangelogWriter;
import io.tributary.sink.clickhouse.views.ViewDefinition;
import io.tributary.sink.clickhouse.views.ViewFiles;
import io.tributary.sink.clickhouse.views.ViewInstaller;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.configuration.Configuration;

/**
 * Writes the signed changelogs ({@code <table>__changes}) of the tables analytics views read, and
 * keeps those views (declared in {@link ClickHouseSinkOptions#VIEWS_DIR}) created and current.
 * Its input must be keyed by table: one writer owns a table's changelog and views.
 */
public final class ClickHouseChangelogSink implements Sink<ChangeEvent> {
    private final ClickHouseSinkConfig config;
    private final List<ViewDefinition> views;

    private ClickHouseChangelogSink(ClickHouseSinkConfig config, List<ViewDefinition> views) {
        this.config = config;
        this.views = List.copyOf(views);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Tables (without database) whose changes the views read. */
    public Set<String> sources() {
        return views.stream().map(ViewDefinition::source).collect(Collectors.toUnmodifiableSet());
    }

    public List<ViewDefinition> views() {
        return views;
    }

    /**
     * Brings every view whose changelog exists up to date before the job starts (nothing writes
     * the changelogs then, so a rebuilt view's backfill is exact). New changelogs get their views
     * from the writer.
     */
    public void installViews(List<String> mysqlDatabases) {
        ViewInstaller installer = new ViewInstaller(config.client());
        for (String database : mysqlDatabases) {
            installer.installExisting(views, config.targetDatabase(database));
        }
    }

    @Override
    public SinkWriter<ChangeEvent> createWriter(WriterInitContext context) {
        return new ChangelogWriter(config, views, context.getProcessingTimeService());
    }

    /** Builds the sink from {@link ClickHouseSinkOptions}; views come from the views directory. */
    public static final class Builder {
        private final Configuration options = new Configuration();

        public Builder options(Configuration settings) {
            options.addAll(settings);
            return this;
        }

        public ClickHouseChangelogSink build() {
            List<ViewDefinition> views = ViewFiles.load(Path.of(options.get(ClickHouseSinkOptions.VIEWS_DIR)));
            return new ClickHouseChangelogSink(ClickHouseSinkConfig.from(options), views);
        }
    }
}
