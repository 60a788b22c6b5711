package io.tributary.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.localservers.ClickHouseServer;
import io.tributary.localservers.FreePorts;
import io.tributary.localservers.MySqlServer;
import io.tributary.localservers.Sakila;
import io.tributary.localservers.SharedServers;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

/**
 * The real jar against real MySQL and ClickHouse on Sakila: snapshot, changes, kill -9 in the
 * middle of changes, restart, and a row-by-row comparison of both sides after each phase.
 */
class EndToEndIT {
    @Test
    void sakilaConvergesThroughSnapshotChangesAndKillMinus9() throws Exception {
        MySqlServer mysql = SharedServers.mysql();
        ClickHouseServer clickhouse = SharedServers.clickhouse();
        Sakila.load(mysql);
        // A clean ClickHouse database: verify reports tables another test's enrichments left there as strays.
        PipelineTestSupport.clickhouse(clickhouse, "DROP DATABASE IF EXISTS sakila");
        Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "e2e-");
        int apiPort = FreePorts.find();
        String token = "e2e-" + System.nanoTime();
        PipelineTestSupport.TestConfig setup = PipelineTestSupport.configure(dir, mysql, clickhouse, "sakila", token,
                Map.of("api.port", Integer.toString(apiPort), "state.checkpoint-interval", "1s",
                        "api.endpoints-dir", Path.of("..", "sql", "endpoints").toAbsolutePath().normalize().toString()));
        Path config = setup.file();
        Map<String, String> env = setup.env();
        Configuration conf = setup.conf();

        long started = System.nanoTime();
        Process pipeline = PipelineTestSupport.startPipeline(config, env, dir.resolve("run1.log"));
        assertThat(PipelineTestSupport.awaitEqual(conf, 300)).contains("sakila.rental").contains("sakila.payment");
        System.out.printf("snapshot of Sakila verified equal after %.1f s%n", (System.nanoTime() - started) / 1e9);

        try (Connection c = DriverManager.getConnection(mysql.jdbcUrl("sakila"), mysql.admin().user(), mysql.admin().password())) {
            Random random = new Random(42);
            applyChanges(c, random, 200);
            PipelineTestSupport.awaitEqual(conf, 120);

            applyChanges(c, random, 150);
            pipeline.destroyForcibly(); // SIGKILL: no flush, no savepoint
            applyChanges(c, random, 150);
            assertThat(pipeline.waitFor(30, TimeUnit.SECONDS)).isTrue();
            pipeline = PipelineTestSupport.startPipeline(config, env, dir.resolve("run2.log"));
            applyChanges(c, random, 100);
            PipelineTestSupport.awaitEqual(conf, 180);

            // Schema change while streaming: the new column reaches ClickHouse without a restart.
            try (Statement st = c.createStatement()) {
                st.executeUpdate("ALTER TABLE customer ADD COLUMN loyalty_tier VARCHAR(10) NULL");
                st.executeUpdate("UPDATE customer SET loyalty_tier = 'gold' WHERE customer_id <= 20");
            }
            applyChanges(c, random, 50);
            PipelineTestSupport.awaitEqual(conf, 120);

            // The shipped endpoints answer exactly what the same question asked of MySQL answers.
            assertEndpointMatchesMySql(apiPort, token, "revenue_by_store_day?to=2030-12-31", c,
                    "SELECT s.store_id, DATE_FORMAT(p.payment_date, '%Y-%m-%d'), COUNT(*), SUM(p.amount) FROM payment p "
                            + "JOIN staff s ON s.staff_id = p.staff_id WHERE DATE(p.payment_date) >= '2005-05-01' "
                            + "GROUP BY 1, 2 ORDER BY 1, 2", "store_id", "day", "payments", "revenue");
            assertEndpointMatchesMySql(apiPort, token, "open_rentals?store_id=1", c,
                    "SELECT r.customer_id, COUNT(*), DATE_FORMAT(MIN(r.rental_date), '%Y-%m-%d %H:%i:%s') FROM rental r "
                            + "JOIN inventory i ON i.inventory_id = r.inventory_id WHERE r.return_date IS NULL AND i.store_id = 1 "
                            + "GROUP BY r.customer_id ORDER BY 2 DESC, 1", "customer_id", "open_rentals", "oldest_rental");
            assertEndpointMatchesMySql(apiPort, token, "top_films?category=Action&limit=20", c,
                    "SELECT f.film_id, COUNT(*) FROM rental r JOIN inventory i ON i.inventory_id = r.inventory_id "
                            + "JOIN film f ON f.film_id = i.film_id JOIN film_category fc ON fc.film_id = f.film_id "
                            + "JOIN category c ON c.category_id = fc.category_id WHERE c.name = 'Action' "
                            + "AND DATE(r.rental_date) BETWEEN '2005-05-01' AND '2006-12-31' "
                            + "GROUP BY f.film_id ORDER BY 2 DESC, 1 LIMIT 20", "film_id", "rentals");
        }
        assertThat(PipelineTestSupport.clickhouse(clickhouse, "SELECT count() FROM sakila.customer WHERE loyalty_tier = 'gold'"))
                .isEqualTo("20");

        HttpClient http = HttpClient.newHttpClient();
        String base = "http://127.0.0.1:" + apiPort;
        HttpResponse<String> film = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/tables/sakila/film?film_id=1"))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(film.statusCode()).isEqualTo(200);
        assertThat(film.body()).contains("ACADEMY DINOSAUR");
        HttpResponse<String> noToken = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/tables/sakila/film")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(noToken.statusCode()).isEqualTo(401);
        HttpResponse<String> badValue = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/tables/sakila/film?film_id=1%27%20OR%201=1"))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(badValue.statusCode()).isEqualTo(400);
        HttpResponse<String> status = http.send(HttpRequest.newBuilder(URI.create(base + "/status"))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(status.statusCode()).isEqualTo(200);
        assertThat(status.body()).contains("\"rental\"").contains("lag_ms").contains("events_per_s").contains("\"rows\"")
                .contains("\"binlog\":{\"retention_s\":2592000").contains("\"warnings\":[]");

        pipeline.destroy(); // SIGTERM: graceful stop with a final savepoint
        assertThat(pipeline.waitFor(120, TimeUnit.SECONDS)).isTrue();
    }

    /** Compares an endpoint's NDJSON answer with a MySQL query's rows, column by column, numbers by value. */
    private static void assertEndpointMatchesMySql(int apiPort, String token, String endpoint, Connection mysql, String sql,
                                                   String... columns) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                        "http://127.0.0.1:" + apiPort + "/api/v1/endpoints/" + endpoint + (endpoint.contains("?") ? "&" : "?")
                                + "format=ndjson")).header("Authorization", "Bearer " + token).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(endpoint + ": " + r.body()).isEqualTo(200);
        java.util.List<String> api = new java.util.ArrayList<>();
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        for (String line : r.body().split("\n")) {
            com.fasterxml.jackson.databind.JsonNode row = json.readTree(line);
            StringBuilder b = new StringBuilder();
            for (String column : columns) {
                b.append(normalize(row.get(column).asText())).append('|');
            }
            api.add(b.toString());
        }
        java.util.List<String> expected = new java.util.ArrayList<>();
        try (Statement st = mysql.createStatement(); java.sql.ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                StringBuilder b = new StringBuilder();
                for (int i = 1; i <= columns.length; i++) {
                    b.append(normalize(rs.getString(i))).append('|');
                }
                expected.add(b.toString());
            }
        }
        assertThat(expected).as("MySQL rows for " + endpoint).isNotEmpty();
        assertThat(api).as(endpoint).containsExactlyElementsOf(expected);
    }

    private static String normalize(String value) {
        return value.matches("-?[0-9]+\\.[0-9]+") ? new java.math.BigDecimal(value).stripTrailingZeros().toPlainString() : value;
    }

    /** Random inserts, updates and deletes across Sakila's fact and dimension tables. */
    static void applyChanges(Connection c, Random random, int count) throws SQLException {
        try (Statement st = c.createStatement()) {
            for (int i = 0; i < count; i++) {
                int kind = random.nextInt(6);
                int customer = 1 + random.nextInt(599);
                int inventory = 1 + random.nextInt(4581);
                switch (kind) {
                    case 0 -> st.executeUpdate("INSERT INTO rental (rental_date, inventory_id, customer_id, staff_id) VALUES "
                            + "(NOW(6) - INTERVAL " + random.nextInt(1_000_000) + " SECOND, " + inventory + ", " + customer + ", 1)");
                    case 1 -> st.executeUpdate("UPDATE rental SET return_date = NOW() WHERE rental_id = " + (1 + random.nextInt(16049)));
                    case 2 -> st.executeUpdate("INSERT INTO payment (customer_id, staff_id, rental_id, amount, payment_date) VALUES ("
                            + customer + ", 2, NULL, " + (random.nextInt(1000) / 100.0) + ", NOW())");
                    case 3 -> st.executeUpdate("DELETE FROM payment WHERE payment_id = " + (1 + random.nextInt(16049)));
                    case 4 -> st.executeUpdate("UPDATE customer SET active = 1 - active, email = CONCAT('x', " + i
                            + ", '@example.org') WHERE customer_id = " + customer);
                    default -> st.executeUpdate("UPDATE film SET rental_rate = rental_rate + 0.01, description = 'Ünïcödé ✓ \\t tab "
                            + i + "' WHERE film_id = " + (1 + random.nextInt(1000)));
                }
            }
        }
    }
}
