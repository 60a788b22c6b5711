package io.tributary.cdc.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.cdc.event.ChangeEvent;
import io.tributary.localservers.MySqlServer;
import io.tributary.localservers.Sakila;
import io.tributary.localservers.SharedServers;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;

class MySqlCdcSourceIT {
    @Test
    void snapshotsSakilaThenStreamsBinlogChanges() throws Exception {
        MySqlServer mysql = SharedServers.mysql();
        Sakila.load(mysql);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        MySqlCdcSource source = MySqlCdcSource.builder()
                .set(MySqlSourceOptions.HOST, mysql.host())
                .set(MySqlSourceOptions.PORT, mysql.port())
                .set(MySqlSourceOptions.USER, mysql.cdc().user())
                .set(MySqlSourceOptions.PASSWORD, mysql.cdc().password())
                .set(MySqlSourceOptions.DATABASES, List.of("sakila"))
                .set(MySqlSourceOptions.TABLES, List.of("sakila.category", "sakila.staff", "sakila.address"))
                .build();
        DataStream<ChangeEvent> events = env.fromSource(source, WatermarkStrategy.noWatermarks(), "mysql");
        List<ChangeEvent> seen = new ArrayList<>();
        try (CloseableIterator<ChangeEvent> it = events.executeAndCollect("source-it")) {
            while (seen.size() < 16 + 2 + 603 + 3) { // the rows, and each table's begin
                seen.add(it.next());
            }
            try (var c = java.sql.DriverManager.getConnection(mysql.jdbcUrl("sakila"), mysql.admin().user(),
                    mysql.admin().password()); var st = c.createStatement()) {
                st.executeUpdate("UPDATE category SET name = 'Sci-Fi ✨' WHERE category_id = 14");
                st.executeUpdate("INSERT INTO category (category_id, name) VALUES (100, 'Temporary')");
                st.executeUpdate("DELETE FROM category WHERE category_id = 100");
            }
            seen.add(it.next());
            seen.add(it.next());
            seen.add(it.next());
        }
        Map<String, Long> perTable = seen.stream().filter(e -> e.op() == ChangeEvent.Op.SNAPSHOT)
                .collect(Collectors.groupingBy(ChangeEvent::table, Collectors.counting()));
        assertThat(perTable).containsEntry("category", 16L).containsEntry("staff", 2L).containsEntry("address", 603L);
        for (String table : List.of("category", "staff", "address")) {
            int begin = indexOf(seen, e -> e.table().equals(table) && e.op() == ChangeEvent.Op.SNAPSHOT_BEGIN);
            int firstRow = indexOf(seen, e -> e.table().equals(table) && e.op() == ChangeEvent.Op.SNAPSHOT);
            assertThat(begin).as("%s begins before its first row", table).isNotNegative().isLessThan(firstRow);
            assertThat(seen.get(begin).scope().isWhole()).isTrue();
            assertThat(seen.get(begin).position()).isEqualTo(seen.get(firstRow).position());
        }
        ChangeEvent update = seen.get(seen.size() - 3);
        ChangeEvent delete = seen.get(seen.size() - 1);
        assertThat(update.op()).isEqualTo(ChangeEvent.Op.UPDATE);
        assertThat(update.value(1)).isEqualTo("Sci-Fi ✨");
        assertThat(delete.op()).isEqualTo(ChangeEvent.Op.DELETE);
        assertThat(delete.value(0)).isEqualTo("100");
        assertThat(update.position().isAfter(seen.get(0).position())).isTrue();
        assertThat(delete.position().isAfter(update.position())).isTrue();
        ChangeEvent firstCategory = seen.stream().filter(e -> e.table().equals("category")
                && e.op() == ChangeEvent.Op.SNAPSHOT).findFirst().orElseThrow();
        assertThat(firstCategory.value(2)).isEqualTo("2006-02-15 04:46:27");
    }

    private static int indexOf(List<ChangeEvent> events, java.util.function.Predicate<ChangeEvent> what) {
        for (int i = 0; i < events.size(); i++) {
            if (what.test(events.get(i))) {
                return i;
            }
        }
        return -1;
    }
}
