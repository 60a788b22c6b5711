package io.tributary.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.localservers.ClickHouseServer;
import io.tributary.localservers.MySqlServer;
import io.tributary.localservers.Sakila;
import io.tributary.localservers.SharedServers;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The shipped enrichments and views on Sakila, against real MySQL and ClickHouse: after the
 * snapshot, after random inserts, updates and deletes of facts and of every lookup table (facts
 * before their lookup rows, lookup rows deleted), across kill -9 and a restart with a changed
 * and a new view, each enriched table equals its query run on MySQL and each view equals the
 * same aggregate computed on MySQL, row by row.
 */
class AnalyticsIT {
    private static final Path REPO_SQL = Path.of("..", "sql").toAbsolutePath().normalize();

    /** ClickHouse query -> the same question for MySQL. */
    private static final Map<String, String> EXPECTED = new LinkedHashMap<>();

    static {
        String rentalCols = "rental_id, rental_date, inventory_id, customer_id, return_date, staff_id, last_update, "
                + "store_id, film_id, film_title, film_rating, customer_city, customer_country";
        EXPECTED.put("SELECT " + rentalCols + " FROM sakila.rental_details",
                "SELECT " + rentalCols + " FROM (" + enrichmentSql("rental_details") + ") x");
        String paymentCols = "payment_id, customer_id, staff_id, rental_id, amount, payment_date, last_update, store_id";
        EXPECTED.put("SELECT " + paymentCols + " FROM sakila.payment_details",
                "SELECT " + paymentCols + " FROM (" + enrichmentSql("payment_details") + ") x");
        EXPECTED.put("SELECT store_id, day, revenue, payments FROM sakila.revenue_by_store_day",
                "SELECT i.store_id, DATE(p.payment_date), SUM(p.amount), COUNT(*) FROM payment p "
                        + "LEFT JOIN rental r ON r.rental_id = p.rental_id "
                        + "LEFT JOIN inventory i ON i.inventory_id = r.inventory_id GROUP BY 1, 2");
        EXPECTED.put("SELECT film_rating, hour, rentals FROM sakila.rentals_by_rating_hour",
                "SELECT f.rating, DATE_FORMAT(r.rental_date, '%Y-%m-%d %H:00:00'), COUNT(*) FROM rental r "
                        + "LEFT JOIN inventory i ON i.inventory_id = r.inventory_id "
                        + "LEFT JOIN film f ON f.film_id = i.film_id GROUP BY 1, 2");
        EXPECTED.put("SELECT customer_id, open_rentals FROM sakila.open_rentals_by_customer",
                "SELECT customer_id, SUM(return_date IS NULL) FROM rental GROUP BY customer_id "
                        + "HAVING SUM(return_date IS NULL) <> 0");
        EXPECTED.put("SELECT week, film_id, film_title, rentals FROM sakila.film_rentals_by_week",
                "SELECT DATE(r.rental_date - INTERVAL WEEKDAY(r.rental_date) DAY), f.film_id, f.title, COUNT(*) "
                        + "FROM rental r LEFT JOIN inventory i ON i.inventory_id = r.inventory_id "
                        + "LEFT JOIN film f ON f.film_id = i.film_id GROUP BY 1, 2, 3");
    }

    /** Waits until a checkpoint newer than the newest one now completes. */
    private static void awaitNextCheckpoint(Path checkpoints) throws Exception {
        long newest = newestCheckpoint(checkpoints);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (newestCheckpoint(checkpoints) <= newest) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no checkpoint completed within 60 s under " + checkpoints);
            }
            Thread.sleep(100);
        }
    }

    private static long newestCheckpoint(Path checkpoints) throws Exception {
        try (var files = Files.walk(checkpoints, 3)) {
            return files.filter(p -> p.getFileName().toString().equals("_metadata")
                            && p.getParent().getFileName().toString().startsWith("chk-"))
                    .mapToLong(p -> Long.parseLong(p.getParent().getFileName().toString().replace("chk-", "")))
                    .max().orElse(0);
        }
    }

    private static Path copy(Path from, Path to) throws java.io.IOException {
        Files.createDirectories(to);
        try (var files = Files.list(from)) {
            for (Path file : files.toList()) {
                Files.copy(file, to.resolve(file.getFileName()));
            }
        }
        return to;
    }

    private static String enrichmentSql(String name) {
        try {
            return Files.readString(REPO_SQL.resolve("enrichments/" + name + ".sql")).replaceAll("(?m)--.*$", "");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void enrichedTablesAndViewsEqualMySqlThroughChangesKillMinus9AndViewMigration() throws Exception {
        MySqlServer mysql = SharedServers.mysql();
        ClickHouseServer clickhouse = SharedServers.clickhouse();
        Sakila.load(mysql);
        PipelineTestSupport.clickhouse(clickhouse, "DROP DATABASE IF EXISTS sakila"); // nothing left by other tests
        Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "analytics-");
        Path views = copy(REPO_SQL.resolve("views"), dir.resolve("views"));
        Path enrichments = copy(REPO_SQL.resolve("enrichments"), dir.resolve("enrichments"));
        PipelineTestSupport.TestConfig setup = PipelineTestSupport.configure(dir, mysql, clickhouse, "sakila",
                "analytics-" + System.nanoTime(), Map.of("state.checkpoint-interval", "15s", // a kill -9 then always leaves stored changes to replay
                        "sink.clickhouse.views-dir", views.toString(),
                        "pipeline.enrichments-dir", enrichments.toString()));
        Map<String, String> expected = new LinkedHashMap<>(EXPECTED);

        long started = System.nanoTime();
        Process pipeline = PipelineTestSupport.startPipeline(setup.file(), setup.env(), dir.resolve("run1.log"));
        try (Connection c = DriverManager.getConnection(mysql.jdbcUrl("sakila") + "&connectionTimeZone=UTC"
                + "&forceConnectionTimeZoneToSession=true", mysql.admin().user(), mysql.admin().password())) {
            awaitAnalyticsEqual(c, clickhouse, expected, 300);
            System.out.printf("snapshot: enrichments and views equal MySQL after %.1f s%n", (System.nanoTime() - started) / 1e9);

            Random random = new Random(7);
            applyChanges(c, random, 400);
            awaitAnalyticsEqual(c, clickhouse, expected, 120);

            // A column added to the fact table while streaming reaches the enriched table.
            try (Statement st = c.createStatement()) {
                st.executeUpdate("ALTER TABLE rental ADD COLUMN channel VARCHAR(10) NOT NULL DEFAULT 'store'");
                st.executeUpdate("UPDATE rental SET channel = 'web' WHERE rental_id % 7 = 0 AND rental_id < 3000");
            }
            expected.put("SELECT rental_id, channel, film_title FROM sakila.rental_details",
                    "SELECT rental.rental_id, rental.channel, film.title FROM rental "
                            + "LEFT JOIN inventory ON inventory.inventory_id = rental.inventory_id "
                            + "LEFT JOIN film ON film.film_id = inventory.film_id");
            assertThat(PipelineTestSupport.awaitEqual(setup.conf(), 120)) // verify also compares each enrichment with its query
                    .contains("sakila.rental_details (enrichment)").contains("sakila.payment_details (enrichment)");
            awaitAnalyticsEqual(c, clickhouse, expected, 120);

            // Right after a checkpoint (15 s apart), so the changes below land in ClickHouse after it and are replayed.
            awaitNextCheckpoint(dir.resolve("state/checkpoints"));
            applyChanges(c, random, 200);
            Thread.sleep(1500); // flushed (every 200 ms), not checkpointed
            pipeline.destroyForcibly(); // SIGKILL mid-stream: changelog rows after the checkpoint are replayed
            applyChanges(c, random, 200);
            assertThat(pipeline.waitFor(30, TimeUnit.SECONDS)).isTrue();
            pipeline = PipelineTestSupport.startPipeline(setup.file(), setup.env(), dir.resolve("run2.log"));
            applyChanges(c, random, 200);
            awaitAnalyticsEqual(c, clickhouse, expected, 180);
            PipelineTestSupport.awaitEqual(setup.conf(), 60);
            assertThat(Files.readString(dir.resolve("run2.log"))).as("the restart replayed stored changes")
                    .contains("already stored; replayed ones are skipped");

            // Views are declared, not frozen: a changed and a new file are rebuilt from the changelog at start-up.
            pipeline.destroy();
            assertThat(pipeline.waitFor(120, TimeUnit.SECONDS)).isTrue();
            Files.writeString(views.resolve("open_rentals_by_customer.sql"), """
                    -- Open rentals and all rentals per customer.
                    -- key: customer_id
                    SELECT customer_id, sum(_sign * (return_date IS NULL)) AS open_rentals, sum(_sign) AS rentals
                    FROM rental__changes GROUP BY customer_id
                    """);
            Files.writeString(views.resolve("rentals_by_staff.sql"), """
                    -- key: staff_id
                    SELECT staff_id, sum(_sign) AS rentals FROM rental__changes GROUP BY staff_id
                    """);
            expected.put("SELECT customer_id, open_rentals, rentals FROM sakila.open_rentals_by_customer",
                    "SELECT customer_id, SUM(return_date IS NULL), COUNT(*) FROM rental GROUP BY customer_id");
            expected.remove("SELECT customer_id, open_rentals FROM sakila.open_rentals_by_customer");
            expected.put("SELECT staff_id, rentals FROM sakila.rentals_by_staff",
                    "SELECT staff_id, COUNT(*) FROM rental GROUP BY staff_id");
            // payment had no changelog yet: after a graceful stop it is built from the current rows.
            Files.writeString(views.resolve("payments_by_staff.sql"), """
                    -- key: staff_id
                    SELECT staff_id, sum(amount * _sign) AS amount, sum(_sign) AS payments
                    FROM payment__changes GROUP BY staff_id
                    """);
            expected.put("SELECT staff_id, amount, payments FROM sakila.payments_by_staff",
                    "SELECT staff_id, SUM(amount), COUNT(*) FROM payment GROUP BY staff_id");
            applyChanges(c, random, 100);
            pipeline = PipelineTestSupport.startPipeline(setup.file(), setup.env(), dir.resolve("run3.log"));
            applyChanges(c, random, 100);
            awaitAnalyticsEqual(c, clickhouse, expected, 180);
            assertThat(Files.readString(dir.resolve("run3.log"))).contains("Building the changelog of sakila.payment");

            // An enrichment added to a running pipeline would miss the rows that existed: refused with what to do.
            pipeline.destroy();
            assertThat(pipeline.waitFor(120, TimeUnit.SECONDS)).isTrue();
            Files.writeString(enrichments.resolve("payment_staff.sql"),
                    "SELECT payment.*, staff.username AS staff_username FROM payment LEFT JOIN staff ON staff.staff_id = payment.staff_id");
            pipeline = PipelineTestSupport.startPipeline(setup.file(), setup.env(), dir.resolve("run4.log"));
            assertThat(pipeline.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(pipeline.exitValue()).isNotZero();
            assertThat(Files.readString(dir.resolve("run4.log"))).contains("Enrichment payment_staff is new since the snapshot")
                    .contains("Start from a new snapshot");
        } finally {
            pipeline.destroy();
            pipeline.waitFor(120, TimeUnit.SECONDS);
        }
        assertThat(PipelineTestSupport.clickhouse(clickhouse, "SELECT comment FROM system.tables WHERE database = 'sakila' "
                + "AND name = 'revenue_by_store_day'")).contains("Revenue and number of payments");
    }

    private static void awaitAnalyticsEqual(Connection mysql, ClickHouseServer clickhouse, Map<String, String> expected,
                                            int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        String report = "";
        while (System.nanoTime() < deadline) {
            report = differences(mysql, clickhouse, expected);
            if (report.isEmpty()) {
                return;
            }
            Thread.sleep(2000);
        }
        throw new AssertionError("ClickHouse analytics did not converge to MySQL within " + seconds + " s:\n" + report);
    }

    /** Empty when every ClickHouse query answers the same rows as its MySQL counterpart. */
    private static String differences(Connection mysql, ClickHouseServer clickhouse, Map<String, String> expected)
            throws Exception {
        StringBuilder report = new StringBuilder();
        for (Map.Entry<String, String> e : expected.entrySet()) {
            List<String> ours = clickhouseRows(clickhouse, e.getKey());
            List<String> theirs = mysqlRows(mysql, e.getValue());
            if (theirs.isEmpty()) {
                throw new AssertionError("MySQL has no rows for " + e.getValue());
            }
            if (!ours.equals(theirs)) {
                List<String> missing = new ArrayList<>(theirs);
                missing.removeAll(ours);
                List<String> extra = new ArrayList<>(ours);
                extra.removeAll(theirs);
                report.append(e.getKey()).append(": ").append(ours.size()).append(" rows vs MySQL ").append(theirs.size())
                        .append("; missing ").append(missing.subList(0, Math.min(3, missing.size())))
                        .append("; unexpected ").append(extra.subList(0, Math.min(3, extra.size()))).append('\n');
            }
        }
        return report.toString();
    }

    private static List<String> clickhouseRows(ClickHouseServer clickhouse, String sql) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(clickhouse.httpUrl() + "/"))
                .POST(HttpRequest.BodyPublishers.ofString(sql + " FORMAT TSVRaw")).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            return List.of("ClickHouse error: " + r.body().trim());
        }
        List<String> rows = new ArrayList<>();
        for (String line : r.body().split("\n")) {
            if (!line.isEmpty()) {
                List<String> values = new ArrayList<>();
                for (String v : line.split("\t", -1)) {
                    values.add(normalize("\\N".equals(v) ? null : v));
                }
                rows.add(String.join("|", values));
            }
        }
        Collections.sort(rows);
        return rows;
    }

    private static List<String> mysqlRows(Connection c, String sql) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> values = new ArrayList<>();
                for (int i = 1; i <= n; i++) {
                    values.add(normalize(rs.getString(i)));
                }
                rows.add(String.join("|", values));
            }
        }
        Collections.sort(rows);
        return rows;
    }

    private static String normalize(String value) {
        if (value == null) {
            return "NULL";
        }
        if (value.matches("-?[0-9]+\\.[0-9]+")) {
            return new BigDecimal(value).stripTrailingZeros().toPlainString();
        }
        return value.endsWith(".0") && value.length() == 21 ? value.substring(0, 19) : value;
    }

    /**
     * Random changes to facts and every lookup table; some facts arrive before their lookup row
     * (foreign key checks off), some lookup rows are deleted under their facts.
     */
    static void applyChanges(Connection c, Random random, int count) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("SET foreign_key_checks = 0");
            for (int i = 0; i < count; i++) {
                int customer = 1 + random.nextInt(599);
                int inventory = 1 + random.nextInt(4581);
                int rental = 1 + random.nextInt(16049);
                int film = 1 + random.nextInt(1000);
                switch (random.nextInt(17)) {
                    case 0, 1 -> st.executeUpdate("INSERT INTO rental (rental_date, inventory_id, customer_id, staff_id) VALUES "
                            + "(NOW() - INTERVAL " + random.nextInt(1_000_000) + " SECOND, " + inventory + ", " + customer
                            + ", " + (1 + random.nextInt(2)) + ")");
                    case 2 -> st.executeUpdate("UPDATE rental SET return_date = " + (random.nextBoolean() ? "NULL" : "NOW()")
                            + " WHERE rental_id = " + rental);
                    case 3 -> st.executeUpdate("DELETE FROM rental WHERE rental_id = " + rental
                            + " AND NOT EXISTS (SELECT 1 FROM payment WHERE rental_id = " + rental + ")");
                    case 4 -> st.executeUpdate("INSERT INTO payment (customer_id, staff_id, rental_id, amount, payment_date) "
                            + "VALUES (" + customer + ", 2, " + (random.nextBoolean() ? "NULL" : rental) + ", "
                            + (random.nextInt(1000) / 100.0) + ", NOW() - INTERVAL " + random.nextInt(100) + " DAY)");
                    case 5 -> st.executeUpdate("UPDATE payment SET amount = amount + 1.25, rental_id = " + rental
                            + " WHERE payment_id = " + (1 + random.nextInt(16049)));
                    case 6 -> st.executeUpdate("DELETE FROM payment WHERE payment_id = " + (1 + random.nextInt(16049)));
                    case 7 -> st.executeUpdate("UPDATE film SET title = CONCAT('T', " + i + ", ' ', LEFT(title, 20)), rating = "
                            + "ELT(1 + FLOOR(RAND() * 5), 'G', 'PG', 'PG-13', 'R', 'NC-17') WHERE film_id = " + film);
                    case 8 -> st.executeUpdate("UPDATE inventory SET film_id = " + film + ", store_id = "
                            + (1 + random.nextInt(2)) + " WHERE inventory_id = " + inventory);
                    case 9 -> st.executeUpdate("UPDATE customer SET address_id = " + (1 + random.nextInt(600))
                            + " WHERE customer_id = " + customer);
                    case 10 -> st.executeUpdate("UPDATE address SET city_id = " + (1 + random.nextInt(600))
                            + " WHERE address_id = " + (1 + random.nextInt(600)));
                    case 11 -> st.executeUpdate("UPDATE city SET country_id = " + (1 + random.nextInt(109))
                            + " WHERE city_id = " + (1 + random.nextInt(600)));
                    case 12 -> {
                        // A fact before its lookup row: the rental refers to a copy that does not exist yet.
                        int copy = 100_000 + random.nextInt(1_000_000);
                        st.executeUpdate("INSERT INTO rental (rental_date, inventory_id, customer_id, staff_id) VALUES "
                                + "(NOW(), " + copy + ", " + customer + ", 1)");
                        st.executeUpdate("INSERT IGNORE INTO inventory (inventory_id, film_id, store_id) VALUES (" + copy
                                + ", " + film + ", 2)");
                    }
                    case 13 -> st.executeUpdate("DELETE FROM inventory WHERE inventory_id = " + inventory); // facts keep NULLs
                    // Primary-key changes (MySQL logs DELETE + INSERT): of a plain table, a fact and a lookup row.
                    case 14 -> st.executeUpdate("UPDATE IGNORE payment SET payment_id = payment_id + 40000 WHERE payment_id = "
                            + (1 + random.nextInt(16049)));
                    case 15 -> st.executeUpdate("UPDATE IGNORE rental SET rental_id = rental_id + 1000000 WHERE rental_id = " + rental
                            + " AND NOT EXISTS (SELECT 1 FROM payment WHERE rental_id = " + rental + ")");
                    default -> st.executeUpdate("UPDATE IGNORE city SET city_id = city_id + 1000 WHERE city_id = "
                            + (1 + random.nextInt(600)));
                }
            }
            st.execute("SET foreign_key_checks = 1");
        }
    }
}
