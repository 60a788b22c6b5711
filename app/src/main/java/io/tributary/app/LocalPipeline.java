package io.tributary.app;

import io.tributary.sink.clickhouse.sink.ClickHouseChangelogSink;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pipeline in this JVM: Flink local execution with checkpoints under {@code state.dir}.
 * A start resumes from the newest completed checkpoint or final savepoint found there.
 */
public final class LocalPipeline {
    private static final Logger LOG = LoggerFactory.getLogger(LocalPipeline.class);

    private final Configuration config;
    private final Path stateDir;
    private JobClient job;

    public LocalPipeline(Configuration config) {
        this.config = config;
        this.stateDir = Path.of(config.get(TributaryConfig.STATE_DIR)).toAbsolutePath();
    }

    public JobClient start() throws Exception {
        Path checkpoints = stateDir.resolve("checkpoints");
        Files.createDirectories(checkpoints);
        Files.createDirectories(stateDir.resolve("tmp"));
        Configuration flink = new Configuration();
        flink.setString("execution.checkpointing.interval", config.get(TributaryConfig.CHECKPOINT_INTERVAL).toMillis() + " ms");
        flink.setString("execution.checkpointing.dir", checkpoints.toUri().toString());
        flink.setString("state.checkpoints.dir", checkpoints.toUri().toString());
        flink.setString("execution.checkpointing.storage", "filesystem");
        flink.setString("state.checkpoint-storage", "filesystem");
        flink.setString("execution.checkpointing.externalized-checkpoint-retention", "RETAIN_ON_CANCELLATION");
        flink.setString("execution.checkpointing.num-retained", "3");
        flink.setString("restart-strategy.type", "exponential-delay");
        flink.setString("restart-strategy.exponential-delay.initial-backoff", "1 s");
        flink.setString("restart-strategy.exponential-delay.max-backoff", "30 s");
        flink.setString("restart-strategy.exponential-delay.attempts-before-reset-backoff", "2147483647");
        flink.setString("io.tmp.dirs", stateDir.resolve("tmp").toString());
        for (String key : new String[] {"rest.bind-address", "rest.address", "jobmanager.bind-host",
                "taskmanager.bind-host", "taskmanager.host", "blob.server.bind-host"}) {
            flink.setString(key, "127.0.0.1");
        }
        flink.setString("taskmanager.memory.managed.size", "64m");
        Optional<Path> resume = latestCheckpoint(checkpoints);
        resume.ifPresent(p -> flink.setString("execution.state-recovery.path", p.toString()));
        LOG.info("Starting the pipeline {}", resume.map(p -> "from " + p).orElse("from scratch (snapshot first)"));

        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(
                config.get(TributaryConfig.PARALLELISM), flink);
        PipelineAssembly.Assembled assembled = PipelineAssembly.assemble(env, config, resume.isEmpty()
                ? ClickHouseChangelogSink.Start.FROM_SNAPSHOT
                : resume.get().getParent().getFileName().toString().equals("savepoints")
                ? ClickHouseChangelogSink.Start.FROM_SAVEPOINT : ClickHouseChangelogSink.Start.FROM_CHECKPOINT,
                stateDir, resume.isPresent());
        job = env.executeAsync("tributary");
        assembled.recordStarted(stateDir);
        return job;
    }

    /** Newest {@code _metadata} under the directory: a retained checkpoint or a final savepoint. */
    static Optional<Path> latestCheckpoint(Path checkpoints) throws IOException {
        if (!Files.isDirectory(checkpoints)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.walk(checkpoints, 3)) {
            return files.filter(p -> p.getFileName().toString().equals("_metadata"))
                    .max(Comparator.comparing(LocalPipeline::modified))
                    .map(Path::getParent);
        }
    }

    private static long modified(Path p) {
        try {
            return Files.getLastModifiedTime(p).toMillis();
        } catch (IOException e) {
            return 0;
        }
    }

    /** Stops with a final savepoint: every buffered row is flushed and the position stored. */
    public void stopGracefully() {
        if (job == null) {
            return;
        }
        try {
            String savepoint = job.stopWithSavepoint(false, stateDir.resolve("checkpoints/savepoints").toUri().toString(),
                    SavepointFormatType.CANONICAL).get();
            LOG.info("Pipeline stopped with final savepoint {}", savepoint);
        } catch (Exception e) {
            LOG.warn("Final savepoint failed ({}); the next start resumes from the last checkpoint", e.toString());
            job.cancel();
        }
    }
}
