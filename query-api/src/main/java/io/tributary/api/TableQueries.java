package io.tributary.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.BadRequestResponse;
import io.javalin.http.NotFoundResponse;
import io.tributary.sink.clickhouse.client.ClickHouseHttp;
import io.tributary.sink.clickhouse.schema.TableNames;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a captured table's view. Table and column names are looked up in ClickHouse's catalogue
 * (never taken from the request as SQL); filter values are bound as typed server-side parameters.
 */
final class TableQueries {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final ClickHouseHttp clickhouse;
    private final int maxRows;
    private final java.time.Duration queryTimeout;

    TableQueries(ClickHouseHttp clickhouse, int maxRows, java.time.Duration queryTimeout) {
        this.queryTimeout = queryTimeout;
        this.clickhouse = clickhouse;
        this.maxRows = maxRows;
    }

    record ColumnInfo(String name, String type, boolean key) {}

    List<ColumnInfo> columns(String database, String table) throws Exception {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("param_db", database);
        params.put("param_view", table);
        params.put("param_versions", table + TableNames.VERSIONS_SUFFIX);
        params.put("readonly", "1");
        String body = clickhouse.query("SELECT v.name, v.type, if(k.is_in_sorting_key, 1, 0) FROM system.columns v "
                + "LEFT JOIN (SELECT name, is_in_sorting_key FROM system.columns WHERE database = {db:String} "
                + "AND table = {versions:String}) k ON k.name = v.name "
                + "WHERE v.database = {db:String} AND v.table = {view:String} "
                + "AND {versions:String} IN (SELECT name FROM system.tables WHERE database = {db:String}) "
                + "ORDER BY v.position FORMAT JSONCompact", params);
        List<ColumnInfo> columns = new ArrayList<>();
        for (JsonNode row : JSON.readTree(body).get("data")) {
            columns.add(new ColumnInfo(row.get(0).asText(), row.get(1).asText(), row.get(2).asInt() == 1));
        }
        if (columns.isEmpty()) {
            throw new NotFoundResponse("no captured table " + database + "." + table);
        }
        return columns;
    }

    String select(String database, String table, Map<String, List<String>> query) throws Exception {
        List<ColumnInfo> columns = columns(database, table);
        int limit = intParam(query, "limit", Math.min(100, maxRows));
        int offset = intParam(query, "offset", 0);
        if (limit < 1 || limit > maxRows) {
            throw new BadRequestResponse("limit must be between 1 and " + maxRows + ", not " + limit);
        }
        if (offset < 0) {
            throw new BadRequestResponse("offset must be 0 or more");
        }
        Map<String, String> params = new LinkedHashMap<>();
        List<String> where = new ArrayList<>();
        for (Map.Entry<String, List<String>> p : query.entrySet()) {
            if (p.getKey().equals("limit") || p.getKey().equals("offset")) {
                continue;
            }
            ColumnInfo column = columns.stream().filter(c -> c.name().equals(p.getKey()) && c.key()).findFirst()
                    .orElseThrow(() -> new BadRequestResponse("unknown parameter '" + p.getKey() + "': filter by primary-key "
                            + "columns " + columns.stream().filter(ColumnInfo::key).map(ColumnInfo::name).toList()
                            + ", limit or offset"));
            String name = "p" + params.size();
            params.put("param_" + name, p.getValue().get(0));
            where.add(TableNames.quote(column.name()) + " = {" + name + ":" + column.type() + "}");
        }
        String order = columns.stream().filter(ColumnInfo::key).map(c -> TableNames.quote(c.name()))
                .reduce((a, b) -> a + ", " + b).orElse("tuple()");
        params.putAll(io.tributary.api.query.EndpointAnswers.readOnlySettings(queryTimeout, maxRows));
        String sql = "SELECT * FROM " + new TableNames(database, table).view()
                + (where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where))
                + " ORDER BY " + order + " LIMIT " + limit + " OFFSET " + offset + " FORMAT JSON";
        return clickhouse.query(sql, params);
    }

    private static int intParam(Map<String, List<String>> query, String name, int fallback) {
        List<String> v = query.get(name);
        if (v == null || v.isEmpty()) {
            return fallback;
        }
        try {
            return Integer.parseInt(v.get(0));
        } catch (NumberFormatException e) {
            throw new BadRequestResponse(name + " must be a whole number, not '" + v.get(0) + "'");
        }
    }
}
