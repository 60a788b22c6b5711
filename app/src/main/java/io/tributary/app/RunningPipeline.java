package io.tributary.app;

import io.tributary.api.ApiServer;
import io.tributary.api.ApiSettings;
import io.tributary.sink.clickhouse.client.ClickHouseHttp;
import io.tributary.sink.clickhouse.sink.ClickHouseSinkOptions;
import io.tributary.api.auth.ApiClient;
import io.tributary.api.auth.ApiClients;
import io.tributary.cdc.source.MySqlSourceConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;

/** Pipeline and API running together in this JVM. */
public final class RunningPipeline implements AutoCloseable {
    private final LocalPipeline pipeline;
    private final JobClient job;
    private final ApiServer api;

    private RunningPipeline(LocalPipeline pipeline, JobClient job, ApiServer api) {
        this.pipeline = pipeline;
        this.job = job;
        this.api = api;
    }

    public static RunningPipeline start(Configuration config) throws Exception {
        ApiSettings apiSettings = apiSettings(config);
        LocalPipeline pipeline = new LocalPipeline(config);
        JobClient job = pipeline.start();
        ApiServer api = startApi(config, apiSettings, () -> jobState(job));
        return new RunningPipeline(pipeline, job, api);
    }

    /** The API on ClickHouse with the API's own (read-only) user, reporting {@code pipelineState}. */
    static ApiServer startApi(Configuration config, ApiSettings apiSettings, java.util.function.Supplier<String> pipelineState) {
        String user = config.getOptional(TributaryConfig.API_CLICKHOUSE_USER).orElse(config.get(ClickHouseSinkOptions.USER));
        String password = config.getOptional(TributaryConfig.API_CLICKHOUSE_PASSWORD)
                .orElse(config.get(ClickHouseSinkOptions.PASSWORD));
        ClickHouseHttp clickhouse = new ClickHouseHttp(config.get(ClickHouseSinkOptions.URL), user, password,
                config.get(ClickHouseSinkOptions.SSL_CA), Duration.ofSeconds(30));
        return ApiServer.start(apiSettings, clickhouse, pipelineState, new BinlogRetentionProbe(MySqlSourceConfig.from(config)));
    }

    /** The API's settings; client mistakes (bad clients file, unset token variable) are configuration errors. */
    static ApiSettings apiSettings(Configuration config) {
        double rate = config.get(TributaryConfig.API_RATE_LIMIT);
        List<ApiClient> clients = new ArrayList<>(ApiClients.admins(config.get(TributaryConfig.API_TOKENS), rate));
        try {
            config.getOptional(TributaryConfig.API_CLIENTS_FILE).ifPresent(file ->
                    clients.addAll(ApiClients.fromFile(Path.of(file), System.getenv(), rate)));
            return new ApiSettings(config.get(TributaryConfig.API_HOST), config.get(TributaryConfig.API_PORT),
                    new ApiClients(clients), config.get(TributaryConfig.API_MAX_ROWS),
                    config.get(ClickHouseSinkOptions.STATUS_DATABASE), Path.of(config.get(TributaryConfig.API_ENDPOINTS_DIR)),
                    config.get(TributaryConfig.API_QUERY_TIMEOUT), config.get(TributaryConfig.API_CACHE_ENTRIES));
        } catch (IllegalArgumentException e) {
            throw new TributaryConfig.ConfigException(e.getMessage());
        }
    }

    private static String jobState(JobClient job) {
        try {
            return job.getJobStatus().get(5, java.util.concurrent.TimeUnit.SECONDS).toString();
        } catch (Exception e) {
            return "UNKNOWN";
        }
    }

    public String apiUrl() {
        return api.url();
    }

    public void awaitTermination() throws Exception {
        job.getJobExecutionResult().get();
    }

    @Override
    public void close() {
        pipeline.stopGracefully();
        api.close();
    }
}
