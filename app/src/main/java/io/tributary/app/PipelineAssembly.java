package io.tributary.app;

import io.tributary.cdc.source.MySqlCdcSource;
import io.tributary.cdc.source.MySqlSourceConfig;
import io.tributary.cdc.source.MySqlSourceOptions;
import io.tributary.job.TributaryJob;
import io.tributary.job.TributaryJobOptions;
import io.tributary.job.enrich.Enrichment;
import io.tributary.job.enrich.EnrichmentResolver;
import io.tributary.sink.clickhouse.control.ClickHouseTableControl;
import io.tributary.sink.clickhouse.verify.ClickHouseChunkChecksums;
import io.tributary.sink.clickhouse.sink.ClickHouseChangelogSink;
import io.tributary.sink.clickhouse.sink.ClickHouseSink;
import io.tributary.sink.clickhouse.sink.ClickHouseSinkConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the pipeline from a Tributary configuration onto any Flink environment: the local one of
 * {@code tributary run} and a cluster's ({@link ClusterJob}), so both run exactly the same job.
 * Checks the server and the enrichments against what {@code state.dir} recorded before.
 */
final class PipelineAssembly {
    private static final Logger LOG = LoggerFactory.getLogger(PipelineAssembly.class);

    private PipelineAssembly() {}

    /** What was assembled, to record in {@code state.dir} once the job was submitted. */
    record Assembled(List<Enrichment> enrichments, MySqlServerIdentity.Server server) {
        void recordStarted(Path stateDir) throws IOException {
            EnrichmentRegistry.record(stateDir, enrichments);
            MySqlServerIdentity.record(stateDir, server);
        }
    }

    static Assembled assemble(StreamExecutionEnvironment env, Configuration config, ClickHouseChangelogSink.Start start,
                              Path stateDir, boolean resuming) throws IOException {
        // One broken table is parked (rows skipped, shown in /status) instead of stopping the others.
        ClickHouseTableControl tableControl = new ClickHouseTableControl(ClickHouseSinkConfig.from(config));
        ClickHouseSink sink = ClickHouseSink.builder().options(config).tableControl(tableControl).build();
        ClickHouseChangelogSink changelogs = ClickHouseChangelogSink.builder().options(config).build();
        MySqlSourceConfig mysql = MySqlSourceConfig.from(config);
        List<Enrichment> enrichments = new EnrichmentResolver(mysql)
                .load(config.getOptional(TributaryJobOptions.ENRICHMENTS_DIR));
        EnrichmentRegistry.check(stateDir, resuming, enrichments);
        // A restored job keeps the epoch of its checkpoint; a fresh one continues the newest epoch ClickHouse holds.
        // An unfinished snapshot resumes from its completed chunks, except under enrichments: their state joins
        // rows of several tables, which a re-read of some key ranges cannot correct.
        MySqlCdcSource source = MySqlCdcSource.builder().options(config).replacedImagesFor(changelogs.sources())
                .tableControl(tableControl).ddlBarrier(config.get(TributaryConfig.PARALLELISM) > 1)
                .resumableSnapshot(enrichments.isEmpty())
                .checksums(new ClickHouseChunkChecksums(ClickHouseSinkConfig.from(config)))
                .startEpoch(() -> resuming ? 0 : StoredVersions.startEpoch(mysql, ClickHouseSinkConfig.from(config),
                        config.get(MySqlSourceOptions.DATABASES)))
                .build();
        MySqlServerIdentity.Server server = MySqlServerIdentity.read(mysql);
        MySqlServerIdentity.check(stateDir, resuming, server,
                config.get(MySqlSourceOptions.HOST) + ":" + config.get(MySqlSourceOptions.PORT));
        changelogs.prepare(config.get(MySqlSourceOptions.DATABASES), start);
        LOG.info("{} enrichment(s) {}, {} view(s) {}", enrichments.size(),
                enrichments.stream().map(Enrichment::name).toList(), changelogs.views().size(),
                changelogs.views().stream().map(v -> v.name()).toList());
        TributaryJob.build(env, source, sink, changelogs, enrichments);
        return new Assembled(enrichments, server);
    }
}
