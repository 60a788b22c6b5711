package io.tributary.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.javalin.testtools.JavalinTest;
import io.tributary.sink.clickhouse.client.ClickHouseHttp;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The status page rendered by headless Chromium (Debian's chromium, installed by .ci/setup) against
 * the real app: its script must fetch /status with the token from the URL fragment, fill the table
 * and draw both charts; without a token it must ask for one.
 */
class StatusPageIT {
    private static ClickHouseHttp clickhouse;
    @TempDir
    static Path dir;

    @BeforeAll
    static void createTable() {
        clickhouse = ApiFixture.createItems(3);
    }

    @Test
    void rendersLiveTableAndChartsWithAToken() {
        JavalinTest.test(ApiFixture.app(clickhouse, dir), (server, client) -> {
            String base = "http://127.0.0.1:" + server.port() + "/status/ui";
            String dom = chromium(base + "#token=" + ApiFixture.ADMIN_TOKEN, "--dump-dom");
            assertThat(dom).contains("data-state=\"ok\"");
            assertThat(samples(dom)).as("status polled more than once").isGreaterThanOrEqualTo(2);
            assertThat(dom).contains("<tr data-table=\"apitest.items\"><td>apitest.items</td><td>2</td><td>120</td>"
                    + "<td>42.5</td><td>10</td><td>binlog.000001:1000 row 0</td></tr>");
            assertThat(dom).containsPattern("<canvas id=\"lag\"[^>]*data-points=\"\\d+\"");
            assertThat(dom).containsPattern("<canvas id=\"throughput\"[^>]*data-points=\"\\d+\"");
            assertThat(dom).contains("pipeline RUNNING, 1 tables");
            Path png = dir.resolve("status.png");
            chromium(base + "#token=" + ApiFixture.ADMIN_TOKEN, "--screenshot=" + png, "--window-size=1100,600");
            assertThat(Files.size(png)).isGreaterThan(5_000);
            Files.copy(png, Path.of("target", "status-page.png"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        });
    }

    @Test
    void asksForATokenWithoutOne() {
        JavalinTest.test(ApiFixture.app(clickhouse, dir), (server, client) -> {
            String dom = chromium("http://127.0.0.1:" + server.port() + "/status/ui", "--dump-dom");
            assertThat(dom).contains("data-state=\"login\"").contains("enter an API token");
            String wrong = chromium("http://127.0.0.1:" + server.port() + "/status/ui#token=wrong", "--dump-dom");
            assertThat(wrong).contains("data-state=\"login\"");
        });
    }

    private static int samples(String dom) {
        var m = java.util.regex.Pattern.compile("data-samples=\"(\\d+)\"").matcher(dom);
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }

    /** Runs headless Chromium with the flags this closed network needs; virtual time lets the page poll a few times. */
    private static String chromium(String url, String... extra) throws IOException, InterruptedException {
        Path binary = Path.of("/usr/bin/chromium");
        if (!Files.isExecutable(binary)) {
            throw new IllegalStateException("Debian's chromium is missing: run .ci/setup (apt-get install chromium)");
        }
        Path profile = Files.createTempDirectory(dir, "profile");
        List<String> command = new ArrayList<>(List.of(binary.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + profile, "--virtual-time-budget=4000"));
        command.addAll(List.of(extra));
        command.add(url);
        Process p = new ProcessBuilder(command).redirectError(dir.resolve("chromium.log").toFile()).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("chromium did not finish in 60 s");
        }
        return new String(out, StandardCharsets.UTF_8);
    }
}
