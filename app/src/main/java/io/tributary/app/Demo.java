package io.tributary.app;

import io.tributary.localservers.ClickHouseServer;
import io.tributary.localservers.ContainerServers;
import io.tributary.localservers.LocalClickHouse;
import io.tributary.localservers.LocalMySql;
import io.tributary.localservers.MySqlServer;
import io.tributary.localservers.Sakila;
import io.tributary.localservers.Secrets;
import io.tributary.localservers.SharedServers;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code tributary demo}: real MySQL and ClickHouse (Docker where it runs, else local binaries),
 * the Sakila database, then the pipeline and API with a generated configuration.
 */
final class Demo {
    private Demo() {}

    /** The repository (the launcher passes it; endpoint files and Sakila come from it). */
    static Path repoRoot() {
        return Path.of(System.getProperty("tributary.repo.root", ".")).toAbsolutePath().normalize();
    }

    static int run(String dir) throws Exception {
        Path base = Path.of(dir).toAbsolutePath();
        Files.createDirectories(base);
        boolean docker = SharedServers.useDocker();
        System.out.println("Starting MySQL and ClickHouse (" + (docker ? "Docker" : "local binaries") + ") under " + base);
        MySqlServer mysql = docker ? ContainerServers.mysql() : LocalMySql.start(base.resolve("mysql"));
        ClickHouseServer clickhouse = docker ? ContainerServers.clickhouse() : LocalClickHouse.start(base.resolve("clickhouse"));
        Path marker = base.resolve("sakila.loaded");
        if (docker || !Files.exists(marker)) {
            System.out.println("Loading the Sakila sample database into MySQL");
            Sakila.load(mysql);
            Files.writeString(marker, "loaded\n");
        }
        Path tokenFile = base.resolve("api-token");
        if (!Files.exists(tokenFile)) {
            Files.writeString(tokenFile, Secrets.random());
        }
        String token = Files.readString(tokenFile).trim();
        Path config = base.resolve("tributary.yaml");
        Files.writeString(config, String.join("\n",
                "source:",
                "  mysql:",
                "    host: " + mysql.host(),
                "    port: " + mysql.port(),
                "    user: " + mysql.cdc().user(),
                "    databases: [sakila]",
                "sink:",
                "  clickhouse:",
                "    url: " + clickhouse.httpUrl(),
                "    views-dir: " + repoRoot().resolve("sql").resolve("views"),
                "pipeline:",
                "  enrichments-dir: " + repoRoot().resolve("sql").resolve("enrichments"),
                "api:",
                "  port: 8080",
                "  endpoints-dir: " + repoRoot().resolve("sql").resolve("endpoints"),
                "state:",
                "  dir: " + base.resolve("state"),
                ""));
        System.setProperty("tributary.demo", "true");
        var env = new java.util.HashMap<>(System.getenv());
        env.put(TributaryConfig.envName("source.mysql.password"), mysql.cdc().password());
        env.put(TributaryConfig.envName("api.tokens"), token);
        RunningPipeline running = RunningPipeline.start(TributaryConfig.load(config, env));
        System.out.println("""

                Tributary demo is running.
                  API:         %1$s   (token in %2$s)
                  ClickHouse:  %3$s
                  Config:      %4$s

                Try:
                  curl -H "Authorization: Bearer %5$s" '%1$s/api/v1/endpoints/top_films?category=Action&limit=5'
                  curl -H "Authorization: Bearer %5$s" '%1$s/api/v1/endpoints/revenue_by_store_day?store_id=1&format=csv'
                  curl -H "Authorization: Bearer %5$s" '%1$s/api/v1/tables/sakila/film?film_id=1'
                  curl -H "Authorization: Bearer %5$s" %1$s/api/v1/sql --data-binary 'SELECT rating, count() FROM sakila.film GROUP BY rating'
                  curl -H "Authorization: Bearer %5$s" %1$s/metrics
                  open %1$s/docs (OpenAPI) and %1$s/status/ui#token=%5$s (live status)
                  curl '%3$s/' --data-binary 'SELECT rating, count() FROM sakila.film GROUP BY rating'
                  curl '%3$s/' --data-binary 'SELECT * FROM sakila.revenue_by_store_day ORDER BY day DESC LIMIT 5'
                  curl '%3$s/' --data-binary 'SELECT film_title, customer_city FROM sakila.rental_details LIMIT 5'
                Endpoints are the files in sql/endpoints/: edit one and the API follows within a second.
                Enrichments (sql/enrichments/) and views (sql/views/) are read at start-up.
                Ctrl-C stops the pipeline with a final savepoint; the next run resumes from it.
                """.formatted(running.apiUrl(), tokenFile, clickhouse.httpUrl(), config, token));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            running.close();
            mysql.close();
            clickhouse.close();
        }, "tributary-demo-shutdown"));
        running.awaitTermination();
        return 0;
    }
}
