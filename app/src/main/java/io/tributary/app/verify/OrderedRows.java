package io.tributary.app.verify;

import io.tributary.sink.clickhouse.client.ClickHouseHttp;
import io.tributary.sink.clickhouse.client.TsvText;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One side's rows of a table, streamed in the order {@link VerifiedColumn#compareOrder} defines, one
 * row (the texts of its columns, null for NULL) at a time: memory stays bounded whatever the table size.
 */
interface OrderedRows extends AutoCloseable {
    /** The next row, or null at the end. */
    String[] next() throws Exception;

    @Override
    void close() throws Exception;

    /** {@code SELECT .. FROM from ORDER BY ..} on MySQL, streamed row by row (Connector/J's streaming result). */
    static OrderedRows mysql(Connection connection, List<VerifiedColumn> columns, List<VerifiedColumn> order, String from)
            throws Exception {
        String sql = "SELECT " + columns.stream().map(VerifiedColumn::mysqlSelect).collect(Collectors.joining(", "))
                + " FROM " + from + (order.isEmpty() ? ""
                : " ORDER BY " + order.stream().map(VerifiedColumn::mysqlOrder).collect(Collectors.joining(", ")));
        try (Statement session = connection.createStatement()) {
            // Rows wait while ClickHouse's side is read: MySQL must not drop the stream meanwhile.
            session.execute("SET SESSION net_write_timeout = 3600");
            // MySQL sorts strings by their first max_sort_length bytes only (1,024 by default): ties beyond
            // that would come in an order ClickHouse does not share. 8 MiB is its maximum.
            session.execute("SET SESSION max_sort_length = 8388608");
        }
        Statement st = connection.createStatement(ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY);
        st.setFetchSize(Integer.MIN_VALUE);
        ResultSet rs = st.executeQuery(sql);
        int n = columns.size();
        return new OrderedRows() {
            @Override
            public String[] next() throws Exception {
                if (!rs.next()) {
                    return null;
                }
                String[] row = new String[n];
                for (int i = 0; i < n; i++) {
                    row[i] = rs.getString(i + 1);
                }
                return row;
            }

            @Override
            public void close() throws Exception {
                try (st) {
                    rs.close();
                }
            }
        };
    }

    /** The same from ClickHouse's {@code view}, streamed as TabSeparated. */
    static OrderedRows clickhouse(ClickHouseHttp clickhouse, List<VerifiedColumn> columns, List<VerifiedColumn> order,
                                  String view) {
        String sql = "SELECT " + columns.stream().map(VerifiedColumn::clickhouseSelect).collect(Collectors.joining(", "))
                + " FROM " + view + (order.isEmpty() ? ""
                : " ORDER BY " + order.stream().map(VerifiedColumn::clickhouseOrder).collect(Collectors.joining(", ")))
                + " FORMAT TabSeparated";
        BufferedReader in = new BufferedReader(new InputStreamReader(clickhouse.queryStream(sql,
                Map.of("output_format_decimal_trailing_zeros", "1")), StandardCharsets.UTF_8), 1 << 16);
        int n = columns.size();
        return new OrderedRows() {
            @Override
            public String[] next() throws Exception {
                String line = in.readLine();
                if (line == null) {
                    return null;
                }
                String[] fields = line.split("\t", -1);
                if (fields.length != n) {
                    // ClickHouse reports an error met mid-stream as text after the rows it sent.
                    throw new IllegalStateException("ClickHouse's answer for " + view + " broke off: " + line);
                }
                for (int i = 0; i < n; i++) {
                    fields[i] = TsvText.unescape(fields[i]);
                }
                return fields;
            }

            @Override
            public void close() throws Exception {
                in.close();
            }
        };
    }
}
