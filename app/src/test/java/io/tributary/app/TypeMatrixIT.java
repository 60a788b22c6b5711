package io.tributary.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.localservers.ClickHouseServer;
import io.tributary.localservers.MySqlServer;
import io.tributary.localservers.SharedServers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

/**
 * Every MySQL 8 column type with its edge values, through the real pipeline (snapshot and binlog)
 * into ClickHouse, compared value by value with the exact text ClickHouse must hold. MySQL runs
 * with time_zone +05:30 and the pipeline JVM in Europe/Berlin, across a DST change, to prove no
 * value moves with a zone. The same matrix is docs/type-mapping.md ({@link TypeMatrix#markdown}):
 * the test fails when the document differs from what it checked.
 */
class TypeMatrixIT {
    @Test
    void everyTypeArrivesExactlyThroughSnapshotAndBinlog() throws Exception {
        MySqlServer mysql = SharedServers.mysql();
        ClickHouseServer clickhouse = SharedServers.clickhouse();
        List<TypeMatrix.TypeCase> cases = TypeMatrix.CASES;
        try (Connection c = PipelineTestSupport.mysqlAdmin(mysql, "");
             Statement st = c.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS types_it");
            st.execute("CREATE DATABASE types_it CHARACTER SET utf8mb4");
            st.execute("SET time_zone = '+05:30'");
            for (int t = 0; t < cases.size(); t++) {
                TypeMatrix.TypeCase tc = cases.get(t);
                st.execute("CREATE TABLE types_it.t" + t + " (id INT PRIMARY KEY, v " + tc.mysqlType() + ")");
                insertRows(st, t, tc, 0);
            }
        }
        PipelineTestSupport.clickhouse(clickhouse, "DROP DATABASE IF EXISTS types_it");
        Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "types-");
        PipelineTestSupport.TestConfig setup = PipelineTestSupport.configure(dir, mysql, clickhouse, "types_it", "types",
                Map.of("sink.clickhouse.status-database", "tributary_types"));
        Path config = setup.file();
        Map<String, String> env = setup.env();
        Configuration conf = setup.conf();
        String globalZone = globalTimeZone(mysql);
        setGlobalTimeZone(mysql, "+05:30");
        Process pipeline = PipelineTestSupport.startPipeline(config, env, dir.resolve("run.log"),
                List.of("-Duser.timezone=Europe/Berlin"));
        try {
            PipelineTestSupport.awaitEqual(conf, 90);
            try (Connection c = PipelineTestSupport.mysqlAdmin(mysql, "types_it"); Statement st = c.createStatement()) {
                st.execute("SET time_zone = '+05:30'");
                for (int t = 0; t < cases.size(); t++) {
                    insertRows(st, t, cases.get(t), 1000);
                }
            }
            PipelineTestSupport.awaitEqual(conf, 120);
            List<String> mismatches = new ArrayList<>();
            for (int t = 0; t < cases.size(); t++) {
                mismatches.addAll(compare(clickhouse, t, cases.get(t)));
            }
            assertThat(mismatches).as("values that differ from the documented mapping").isEmpty();
            Path doc = Path.of("..", "docs", "type-mapping.md");
            String expectedDoc = TypeMatrix.markdown();
            if (Boolean.getBoolean("tributary.writeDocs")) {
                Files.writeString(doc, expectedDoc);
            }
            assertThat(Files.readString(doc)).as("docs/type-mapping.md is generated from TypeMatrix: run this test with "
                    + "-Dtributary.writeDocs=true to refresh it").isEqualTo(expectedDoc);
        } finally {
            pipeline.destroy();
            pipeline.waitFor(60, TimeUnit.SECONDS);
            setGlobalTimeZone(mysql, globalZone);
        }
    }

    /** Row ids: offset + 1.. for the values, offset + 999 for a row without the column. */
    private static void insertRows(Statement st, int t, TypeMatrix.TypeCase tc, int offset) throws Exception {
        List<TypeMatrix.ValueCase> values = tc.values();
        for (int i = 0; i < values.size(); i++) {
            st.execute("INSERT INTO types_it.t" + t + " VALUES (" + (offset + i + 1) + ", " + values.get(i).mysqlLiteral() + ")");
        }
        st.execute("INSERT INTO types_it.t" + t + " (id) VALUES (" + (offset + 999) + ")");
    }

    private static List<String> compare(ClickHouseServer clickhouse, int t, TypeMatrix.TypeCase tc) throws Exception {
        List<String> out = new ArrayList<>();
        String type = PipelineTestSupport.clickhouse(clickhouse, "SELECT toTypeName(v) FROM types_it.t" + t
                + " LIMIT 1 FORMAT TSVRaw");
        if (!type.equals("Nullable(" + tc.clickhouseType() + ")")) {
            out.add(tc.mysqlType() + ": ClickHouse type " + type + ", documented Nullable(" + tc.clickhouseType() + ")");
        }
        String expr = tc.hex() ? "hex(v)" : "toString(v)";
        Map<Integer, String> actual = new LinkedHashMap<>();
        for (String line : PipelineTestSupport.clickhouse(clickhouse, "SELECT id, " + expr + " FROM types_it.t" + t
                + " ORDER BY id FORMAT TSV").split("\n")) {
            String[] f = line.split("\t", 2);
            String value = io.tributary.sink.clickhouse.client.TsvText.unescape(f[1]);
            actual.put(Integer.parseInt(f[0]), value == null ? "\\N" : value);
        }
        for (int offset : new int[] {0, 1000}) {
            String path = offset == 0 ? "snapshot" : "binlog";
            for (int i = 0; i < tc.values().size(); i++) {
                TypeMatrix.ValueCase v = tc.values().get(i);
                String got = actual.get(offset + i + 1);
                if (!v.clickhouseText().equals(got)) {
                    out.add(tc.mysqlType() + " " + v.mysqlLiteral() + " (" + path + "): ClickHouse has '" + got
                            + "', documented '" + v.clickhouseText() + "'");
                }
            }
            if (!tc.whenOmitted().equals(actual.get(offset + 999))) {
                out.add(tc.mysqlType() + " omitted (" + path + "): ClickHouse has '" + actual.get(offset + 999)
                        + "', documented '" + tc.whenOmitted() + "'");
            }
        }
        return out;
    }

    private static String globalTimeZone(MySqlServer mysql) throws Exception {
        try (Connection c = PipelineTestSupport.mysqlAdmin(mysql, "");
             Statement st = c.createStatement(); var rs = st.executeQuery("SELECT @@GLOBAL.time_zone")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static void setGlobalTimeZone(MySqlServer mysql, String zone) throws Exception {
        try (Connection c = PipelineTestSupport.mysqlAdmin(mysql, "");
             Statement st = c.createStatement()) {
            st.execute("SET GLOBAL time_zone = '" + zone + "'");
        }
    }
}
