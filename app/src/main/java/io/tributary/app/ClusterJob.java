package io.tributary.app;

import io.tributary.sink.clickhouse.sink.ClickHouseChangelogSink;
import java.nio.file.Path;
import java.util.Optional;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The pipeline as a job for a real Flink cluster, from the same jar:
 * {@code flink run -d -c io.tributary.app.ClusterJob tributary.jar --config tributary.yaml}. Runs in
 * the Flink client, which reads the configuration (secrets from its environment), checks MySQL and
 * ClickHouse, and submits the job. The cluster provides checkpoint storage
 * ({@code execution.checkpointing.dir}, shared by all TaskManagers) and restarts; TaskManagers must
 * run in UTC ({@code env.java.opts.all: -Duser.timezone=UTC}). Resume a stopped job with
 * {@code flink run -s <savepoint or retained checkpoint> ...}.
 */
public final class ClusterJob {
    private static final ConfigOption<String> RECOVERY_PATH = ConfigOptions.key("execution.state-recovery.path")
            .stringType().noDefaultValue();

    private ClusterJob() {}

    public static void main(String[] args) throws Exception {
        Main.useUtcDefaultZone();
        int i = java.util.Arrays.asList(args).indexOf("--config");
        if (i < 0 || i + 1 >= args.length) {
            throw new IllegalArgumentException("usage: flink run -c " + ClusterJob.class.getName()
                    + " tributary.jar --config FILE");
        }
        Configuration config = TributaryConfig.load(Path.of(args[i + 1]));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        Configuration job = new Configuration();
        job.setString("execution.checkpointing.interval", config.get(TributaryConfig.CHECKPOINT_INTERVAL).toMillis() + " ms");
        job.setString("execution.checkpointing.externalized-checkpoint-retention", "RETAIN_ON_CANCELLATION");
        job.setString("restart-strategy.type", "exponential-delay");
        job.setString("restart-strategy.exponential-delay.initial-backoff", "1 s");
        job.setString("restart-strategy.exponential-delay.max-backoff", "30 s");
        job.setString("restart-strategy.exponential-delay.attempts-before-reset-backoff", "2147483647");
        env.configure(job);
        env.setParallelism(config.get(TributaryConfig.PARALLELISM));
        Optional<String> recovery = env.getConfiguration().getOptional(RECOVERY_PATH);
        Path stateDir = Path.of(config.get(TributaryConfig.STATE_DIR)).toAbsolutePath();
        java.nio.file.Files.createDirectories(stateDir);
        PipelineAssembly.Assembled assembled = PipelineAssembly.assemble(env, config, recovery.isEmpty()
                ? ClickHouseChangelogSink.Start.FROM_SNAPSHOT
                : recovery.get().contains("savepoint") ? ClickHouseChangelogSink.Start.FROM_SAVEPOINT
                : ClickHouseChangelogSink.Start.FROM_CHECKPOINT, stateDir, recovery.isPresent());
        env.executeAsync("tributary");
        assembled.recordStarted(stateDir);
    }
}
