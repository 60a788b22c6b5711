package io.tributary.api.observe;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.tributary.api.query.PipelineProgress;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.function.IntSupplier;

/**
 * {@code /metrics} in Prometheus text format: API requests, latency and cache use from this
 * process, and the pipeline's lag, throughput and batch sizes from its status table.
 */
public final class ApiMetrics {
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    private final Counter requests;
    private final Histogram latency;
    private final Counter cacheHits;
    private final Counter rateLimited;

    public ApiMetrics(PipelineProgress progress, io.tributary.api.query.ChunkCheckSummary checks,
                      IntSupplier endpointFileErrors) {
        requests = Counter.builder().name("tributary_api_requests_total")
                .help("API requests by route (endpoint name for SQL endpoints) and HTTP status")
                .labelNames("route", "status").register(registry);
        latency = Histogram.builder().name("tributary_api_request_duration_seconds")
                .help("Time to answer API requests, including streaming the body").labelNames("route")
                .classicOnly().classicUpperBounds(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)
                .register(registry);
        cacheHits = Counter.builder().name("tributary_api_cache_hits_total")
                .help("Endpoint answers served from the answer cache (incl. 304 Not Modified)").labelNames("endpoint")
                .register(registry);
        rateLimited = Counter.builder().name("tributary_api_rate_limited_total")
                .help("Requests refused with 429 because the client exceeded its rate limit").labelNames("client")
                .register(registry);
        GaugeWithCallback.builder().name("tributary_api_endpoint_file_errors")
                .help("Endpoint files in sql/endpoints that cannot be served (see the log or /api/v1/endpoints)")
                .callback(cb -> cb.call(endpointFileErrors.getAsInt())).register(registry);
        GaugeWithCallback.builder().name("tributary_pipeline_lag_milliseconds")
                .help("Per table: MySQL commit to ClickHouse storage delay of the last applied batch")
                .labelNames("database", "table")
                .callback(cb -> progress.current().tables().forEach(t -> cb.call(t.lagMillis(), t.database(), t.table())))
                .register(registry);
        GaugeWithCallback.builder().name("tributary_pipeline_source_age_milliseconds")
                .help("Per table: time since the MySQL commit of the newest applied change (grows while a table is idle)")
                .labelNames("database", "table")
                .callback(cb -> progress.current().tables().forEach(t -> cb.call(
                        Math.max(0, System.currentTimeMillis() - t.sourceTsMillis()), t.database(), t.table())))
                .register(registry);
        GaugeWithCallback.builder().name("tributary_pipeline_events_per_second")
                .help("Per table: changes per second applied between its last two batches")
                .labelNames("database", "table")
                .callback(cb -> progress.current().tables().forEach(t -> cb.call(t.eventsPerSecond(), t.database(), t.table())))
                .register(registry);
        GaugeWithCallback.builder().name("tributary_sink_last_batch_rows")
                .help("Per table: rows in the last batch inserted into ClickHouse").labelNames("database", "table")
                .callback(cb -> progress.current().tables().forEach(t -> cb.call(t.batchRows(), t.database(), t.table())))
                .register(registry);
        GaugeWithCallback.builder().name("tributary_sink_last_insert_milliseconds")
                .help("Per table: duration of the last ClickHouse insert").labelNames("database", "table")
                .callback(cb -> progress.current().tables().forEach(t -> cb.call(t.insertMillis(), t.database(), t.table())))
                .register(registry);
        GaugeWithCallback.builder().name("tributary_verify_chunks_checked")
                .help("Per table: chunks continuous verification compared in the last 24 hours").labelNames("table")
                .callback(cb -> checks.current().tables().values().forEach(t -> cb.call(t.checked(), t.table())))
                .register(registry);
        GaugeWithCallback.builder().name("tributary_verify_chunks_drifted")
                .help("Per table: chunks found different from MySQL in the last 24 hours (repaired or not)")
                .labelNames("table")
                .callback(cb -> checks.current().tables().values().forEach(t -> cb.call(t.drifted(), t.table())))
                .register(registry);
        GaugeWithCallback.builder().name("tributary_verify_open_drifts")
                .help("Per table: key ranges whose latest check found them different (not repaired yet)")
                .labelNames("table")
                .callback(cb -> {
                    Map<String, Long> open = new java.util.TreeMap<>();
                    checks.current().tables().keySet().forEach(t -> open.put(t, 0L));
                    checks.current().openDrifts().forEach(d -> open.merge(d.table(), 1L, Long::sum));
                    open.forEach((t, n) -> cb.call(n, t));
                })
                .register(registry);
        GaugeWithCallback.builder().name("tributary_pipeline_status_readable")
                .help("1 when the API could read the pipeline status table from ClickHouse on its last try")
                .callback(cb -> cb.call(progress.current().readable() ? 1 : 0)).register(registry);
    }

    public void request(String route, int status, double seconds) {
        requests.labelValues(route, Integer.toString(status)).inc();
        latency.labelValues(route).observe(seconds);
    }

    public void cacheHit(String endpoint) {
        cacheHits.labelValues(endpoint).inc();
    }

    public void rateLimited(String client) {
        rateLimited.labelValues(client).inc();
    }

    public String contentType() {
        return writer.getContentType();
    }

    public byte[] scrape() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            writer.write(out, registry.scrape());
        } catch (IOException e) {
            throw new IllegalStateException("cannot write metrics", e);
        }
        return out.toByteArray();
    }
}
