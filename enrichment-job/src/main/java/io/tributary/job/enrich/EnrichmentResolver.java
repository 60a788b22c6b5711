package io.tributary.job.enrich;

import io.tributary.cdc.source.MySqlSourceConfig;
import io.tributary.cdc.event.ColumnSchema;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Reads the enrichment files and checks each against MySQL's schema (tables exist, every join is
 * on the joined table's single-column primary key, columns exist, no name clashes); the added
 * columns take their MySQL types. Errors name the file and what to change.
 */
public final class EnrichmentResolver {
    private final String jdbcUrl;
    private final String user;
    private final String password;
    private final List<String> databases;

    public EnrichmentResolver(MySqlSourceConfig mysql) {
        this.jdbcUrl = mysql.jdbcUrl("");
        this.user = mysql.user();
        this.password = mysql.password();
        this.databases = mysql.databases();
    }

    /** The enrichments of {@code pipeline.enrichments-dir}; none when it is unset. */
    public List<Enrichment> load(java.util.Optional<String> directory) {
        return directory.map(dir -> load(Path.of(dir))).orElse(List.of());
    }

    public List<Enrichment> load(Path directory) {
        List<EnrichmentSql.Parsed> parsed = new ArrayList<>();
        if (!Files.isDirectory(directory)) {
            throw new IllegalArgumentException("pipeline.enrichments-dir: " + directory.toAbsolutePath()
                    + " is not a directory");
        }
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".sql")).sorted().toList()) {
                String name = file.getFileName().toString();
                parsed.add(EnrichmentSql.parse(file.toString(), name.substring(0, name.length() - 4),
                        Files.readString(file, StandardCharsets.UTF_8)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the enrichments directory " + directory, e);
        }
        if (parsed.isEmpty()) {
            return List.of();
        }
        try (Connection connection = DriverManager.getConnection(jdbcUrl, user, password)) {
            List<Enrichment> enrichments = new ArrayList<>();
            for (EnrichmentSql.Parsed p : parsed) {
                enrichments.add(resolve(connection, directory.resolve(p.name() + ".sql").toString(), p));
            }
            return enrichments;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read MySQL's schema to check the enrichments in " + directory + ": "
                    + e.getMessage(), e);
        }
    }

    Enrichment resolve(Connection connection, String file, EnrichmentSql.Parsed p) throws SQLException {
        Map<String, String> tableOfAlias = new HashMap<>();
        Map<String, Map<String, ColumnSchema>> columnsOf = new HashMap<>();
        String fact = qualify(file, p.factTable());
        tableOfAlias.put(p.factAlias(), fact);
        columnsOf.put(fact, columns(connection, file, fact));
        List<Enrichment.Lookup> lookups = new ArrayList<>();
        for (EnrichmentSql.Join join : p.joins()) {
            String table = qualify(file, join.table());
            if (table.equals(fact)) {
                throw new IllegalArgumentException(file + ": the fact table " + fact + " cannot also be a lookup");
            }
            Map<String, ColumnSchema> columns = columnsOf.computeIfAbsent(table, t -> columnsUnchecked(connection, file, t));
            List<String> keys = columns.values().stream().filter(ColumnSchema::key).map(ColumnSchema::name).toList();
            if (keys.size() != 1 || !keys.get(0).equalsIgnoreCase(join.keyColumn())) {
                throw new IllegalArgumentException(file + ": LEFT JOIN " + join.table() + " must be on its primary key "
                        + (keys.size() == 1 ? keys.get(0) : "(it has " + (keys.isEmpty() ? "none" : "the composite key "
                        + keys) + "; only single-column keys can be looked up)") + ", not on " + join.keyColumn());
            }
            column(file, columnsOf.get(tableOfAlias.get(join.parentAlias())), join.parentAlias(), join.parentColumn());
            tableOfAlias.put(join.alias(), table);
            lookups.add(new Enrichment.Lookup(table, join.alias(), keys.get(0), join.parentAlias(), join.parentColumn()));
        }
        List<Enrichment.AddedColumn> added = new ArrayList<>();
        for (EnrichmentSql.Output out : p.outputs()) {
            if (columnsOf.get(fact).keySet().stream().anyMatch(c -> c.equalsIgnoreCase(out.name()))) {
                throw new IllegalArgumentException(file + ": the added column '" + out.name() + "' has the name of a "
                        + "column of " + fact + "; pick another name with AS");
            }
            ColumnSchema source = column(file, columnsOf.get(tableOfAlias.get(out.alias())), out.alias(), out.column());
            added.add(new Enrichment.AddedColumn(out.alias(), source.name(), new ColumnSchema(out.name(),
                    source.sourceType(), source.length(), source.scale(), true, false)));
        }
        return new Enrichment(p.name(), p.description(), fact.substring(0, fact.indexOf('.')), fact, p.factAlias(),
                lookups, added);
    }

    private String qualify(String file, String table) {
        if (table.contains(".")) {
            return table;
        }
        if (databases.size() != 1) {
            throw new IllegalArgumentException(file + ": write " + table + " as database." + table
                    + " (several databases are captured: " + databases + ")");
        }
        return databases.get(0) + "." + table;
    }

    private static ColumnSchema column(String file, Map<String, ColumnSchema> columns, String alias, String name) {
        return columns.values().stream().filter(c -> c.name().equalsIgnoreCase(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(file + ": " + alias + "." + name + " does not exist; "
                        + alias + " has " + columns.keySet()));
    }

    private Map<String, ColumnSchema> columnsUnchecked(Connection connection, String file, String table) {
        try {
            return columns(connection, file, table);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** MySQL's columns of a table as change events describe them (type name, length, scale, key). */
    static Map<String, ColumnSchema> columns(Connection connection, String file, String table) throws SQLException {
        String[] parts = table.split("\\.", 2);
        Map<String, ColumnSchema> columns = new LinkedHashMap<>();
        try (PreparedStatement s = connection.prepareStatement("SELECT COLUMN_NAME, DATA_TYPE, COLUMN_TYPE, "
                + "CHARACTER_MAXIMUM_LENGTH, NUMERIC_PRECISION, NUMERIC_SCALE, DATETIME_PRECISION, COLUMN_KEY, IS_NULLABLE "
                + "FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION")) {
            s.setString(1, parts[0]);
            s.setString(2, parts[1]);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    String name = r.getString(1);
                    columns.put(name, columnSchema(name, r.getString(2), r.getString(3), r.getLong(4),
                            r.getInt(5), r.getInt(6), r.getObject(7) == null ? -1 : r.getInt(7),
                            "PRI".equals(r.getString(8)), "YES".equals(r.getString(9))));
                }
            }
        }
        if (columns.isEmpty()) {
            throw new IllegalArgumentException(file + ": table " + table + " does not exist in MySQL (or the "
                    + "replication user cannot see it)");
        }
        return columns;
    }

    static ColumnSchema columnSchema(String name, String dataType, String columnType, long charLength, int precision,
                                     int scale, int datetimePrecision, boolean key, boolean nullable) {
        String type = dataType.toUpperCase(Locale.ROOT)
                + (columnType.toLowerCase(Locale.ROOT).contains("unsigned") ? " UNSIGNED" : "");
        int length = switch (dataType.toLowerCase(Locale.ROOT)) {
            case "decimal", "bit" -> precision;
            case "datetime", "timestamp", "time" -> datetimePrecision;
            case "char", "varchar", "binary", "varbinary" -> (int) Math.min(Integer.MAX_VALUE, charLength);
            default -> -1;
        };
        int decimalScale = "decimal".equalsIgnoreCase(dataType) ? scale : -1;
        return new ColumnSchema(name, type, length, decimalScale, nullable, key);
    }
}
