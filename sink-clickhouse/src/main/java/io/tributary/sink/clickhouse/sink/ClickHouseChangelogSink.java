package io.tributary.sink.clickhouse.sink;

import io.tributary.cdc.event.ChangeEvent;
import io.tributary.sink.clickhouse.client.ClickHouseHttp;
import io.tributary.sink.clickhouse.schema.ChangelogDdl;
import io.tributary.sink.clickhouse.schema.TableNames;
import io.tributary.sink.clickhouse.sink.writer.ChangelogWriter;
import io.tributary.sink.clickhouse.views.ViewDefinition;
import io.tributary.sink.clickhouse.views.ViewFiles;
import io.tributary.sink.clickhouse.views.ViewInstaller;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.configuration.Configuration;
import org.slf4j.LoggerFactory;

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

    /** How the job starts: what ClickHouse holds relative to the position it resumes from. */
    public enum Start {
        /** No state: a snapshot comes first. */
        FROM_SNAPSHOT,
        /** A final savepoint: ClickHouse holds exactly the rows up to it. */
        FROM_SAVEPOINT,
        /** A checkpoint after a crash: ClickHouse may hold rows written after it, which are replayed. */
        FROM_CHECKPOINT
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
     * Before the job starts (nothing writes ClickHouse then): gives every table a view reads a
     * changelog and brings every view up to date (a rebuilt view's backfill is exact because
     * nothing inserts meanwhile). A table that already has rows but no changelog (the view was
     * added later) gets one from its current rows, which is exact only when the job resumes from
     * a final savepoint; after a crash start-up stops with what to do. A start from a new
     * snapshot needs nothing: the snapshot fills the changelogs.
     */
    public void prepare(List<String> mysqlDatabases, Start start) {
        ClickHouseHttp client = config.client();
        ViewInstaller installer = new ViewInstaller(client);
        for (String mysqlDatabase : mysqlDatabases) {
            String database = config.targetDatabase(mysqlDatabase);
            for (String source : sources()) {
                TableNames names = new TableNames(database, source);
                if (start == Start.FROM_SNAPSHOT || exists(client, names.changes()) || !exists(client, names.versions())) {
                    continue;
                }
                List<String> readers = views.stream().filter(v -> v.source().equals(source)).map(ViewDefinition::name).toList();
                if (start == Start.FROM_CHECKPOINT) {
                    throw new IllegalStateException("View(s) " + readers + " read " + database + "." + source
                            + ", which has rows but no changelog yet. Tributary builds it from the current rows only "
                            + "after a graceful stop (Ctrl-C/SIGTERM, final savepoint); the last run did not stop that "
                            + "way. Start once without the new view file(s), stop with Ctrl-C, add them back and start; "
                            + "or start from a new snapshot (delete state.dir).");
                }
                LoggerFactory.getLogger(ClickHouseChangelogSink.class).info(
                        "Building the changelog of {}.{} from its current rows for view(s) {}", database, source, readers);
                client.query(ChangelogDdl.createFromCurrentRows(names, currentColumns(client, names),
                        config.statusDatabase()));
            }
            installer.installExisting(views, database);
        }
    }

    private static boolean exists(ClickHouseHttp client, String qualifiedTable) {
        return "1".equals(client.query("EXISTS TABLE " + qualifiedTable).trim());
    }

    private static List<String> currentColumns(ClickHouseHttp client, TableNames names) {
        return List.of(client.query("SELECT name FROM system.columns WHERE database = " + TableNames.literal(names.database())
                + " AND table = " + TableNames.literal(names.table()) + " ORDER BY position FORMAT TSVRaw").strip().split("\n"));
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
            List<ViewDefinition> views = ViewFiles.configured(options);
            return new ClickHouseChangelogSink(ClickHouseSinkConfig.from(options), views);
        }
    }
}
