package io.tributary.cdc.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.localservers.MySqlServer;
import io.tributary.localservers.SharedServers;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Row estimates follow the table, not information_schema's day-long statistics cache: read once
 * while the table is empty (which fills the cache), then again after 20,000 rows are loaded.
 */
class MySqlRowEstimatesIT {
    @Test
    void estimatesAreCurrentNotCached() throws Exception {
        MySqlServer mysql = SharedServers.mysql();
        try (Connection admin = DriverManager.getConnection(mysql.jdbcUrl(""), mysql.admin().user(), mysql.admin().password());
             Statement st = admin.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS estimates_it");
            st.execute("CREATE DATABASE estimates_it");
            st.execute("CREATE TABLE estimates_it.t (id INT PRIMARY KEY, note VARCHAR(20))");
            try (Connection cdc = DriverManager.getConnection(mysql.jdbcUrl(""), mysql.cdc().user(), mysql.cdc().password());
                 Statement cached = cdc.createStatement()) {
                // Another session's plain read fills information_schema's cache with the empty table.
                cached.executeQuery("SELECT table_rows FROM information_schema.tables WHERE table_schema = 'estimates_it'").close();
                assertThat(MySqlRowEstimates.read(cdc, List.of("estimates_it"))).containsEntry("estimates_it.t", 0L);
            }
            st.execute("SET SESSION cte_max_recursion_depth = 100000");
            st.execute("INSERT INTO estimates_it.t WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000)"
                    + " SELECT i, 'row' FROM n");
            long estimate = 0;
            // InnoDB recalculates its persistent statistics in the background after 10 % of a table changed.
            for (int i = 0; i < 60 && estimate < 10_000; i++) {
                Thread.sleep(500);
                try (Connection cdc = DriverManager.getConnection(mysql.jdbcUrl(""), mysql.cdc().user(), mysql.cdc().password())) {
                    estimate = MySqlRowEstimates.read(cdc, List.of("estimates_it")).get("estimates_it.t");
                }
            }
            assertThat(estimate).as("MySQL's estimate of 20,000 rows").isBetween(10_000L, 40_000L);
            st.execute("DROP DATABASE estimates_it");
        }
    }
}
