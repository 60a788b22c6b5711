package io.tributary.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * The state of the job named {@code tributary} on a Flink cluster, from its REST API
 * ({@code /jobs/overview}): the newest such job that is not finished, else the newest one.
 */
final class FlinkJobState implements Supplier<String> {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final URI overview;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    FlinkJobState(String restUrl) {
        this.overview = URI.create(restUrl.replaceAll("/+$", "") + "/jobs/overview");
    }

    @Override
    public String get() {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(overview).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? stateOf(JSON.readTree(r.body())) : "UNKNOWN";
        } catch (java.io.IOException e) {
            return "UNKNOWN";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "UNKNOWN";
        }
    }

    static String stateOf(JsonNode overview) {
        JsonNode newest = null;
        JsonNode newestActive = null;
        for (JsonNode job : overview.path("jobs")) {
            if (!"tributary".equals(job.path("name").asText())) {
                continue;
            }
            if (newest == null || job.path("start-time").asLong() > newest.path("start-time").asLong()) {
                newest = job;
            }
            boolean finished = job.path("end-time").asLong(-1) > 0;
            if (!finished && (newestActive == null
                    || job.path("start-time").asLong() > newestActive.path("start-time").asLong())) {
                newestActive = job;
            }
        }
        JsonNode chosen = newestActive != null ? newestActive : newest;
        return chosen == null ? "NOT_SUBMITTED" : chosen.path("state").asText("UNKNOWN");
    }
}
