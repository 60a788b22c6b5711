package io.tributary.sink.clickhouse.sink;

import io.tributary.sink.clickhouse.client.ClickHouseHttp;
import java.io.Serializable;
import java.time.Duration;
import org.apache.flink.configuration.Configuration;

/** Validated sink settings; built from {@link ClickHouseSinkOptions}. */
public record ClickHouseSinkConfig(String url, String user, String password, String sslCa, String database,
                                   String statusDatabase, int batchSize, Duration flushInterval, int maxRetries,
                                   Duration retryBackoff, Duration requestTimeout) implements Serializable {
    public ClickHouseSinkConfig {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("missing required setting " + ClickHouseSinkOptions.URL.key());
        }
        if (sslCa != null && !url.startsWith("https:")) {
            throw new IllegalArgumentException(ClickHouseSinkOptions.SSL_CA.key() + " is set, but "
                    + ClickHouseSinkOptions.URL.key() + " '" + url + "' is not https: use https://… or unset "
                    + ClickHouseSinkOptions.SSL_CA.key());
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException(ClickHouseSinkOptions.BATCH_SIZE.key() + " must be positive, not " + batchSize);
        }
        if (maxRetries < 0) {
            throw new IllegalArgumentException(ClickHouseSinkOptions.MAX_RETRIES.key() + " must be 0 or more");
        }
    }

    public static ClickHouseSinkConfig from(Configuration c) {
        return new ClickHouseSinkConfig(c.get(ClickHouseSinkOptions.URL), c.get(ClickHouseSinkOptions.USER),
                c.get(ClickHouseSinkOptions.PASSWORD), c.get(ClickHouseSinkOptions.SSL_CA), c.get(ClickHouseSinkOptions.DATABASE),
                c.get(ClickHouseSinkOptions.STATUS_DATABASE), c.get(ClickHouseSinkOptions.BATCH_SIZE),
                c.get(ClickHouseSinkOptions.FLUSH_INTERVAL), c.get(ClickHouseSinkOptions.MAX_RETRIES),
                c.get(ClickHouseSinkOptions.RETRY_BACKOFF), c.get(ClickHouseSinkOptions.REQUEST_TIMEOUT));
    }

    public ClickHouseHttp client() {
        return new ClickHouseHttp(url, user, password, sslCa, requestTimeout);
    }

    /** ClickHouse database for a MySQL database. */
    public String targetDatabase(String mysqlDatabase) {
        return database == null || database.isBlank() ? mysqlDatabase : database;
    }

    @Override
    public String toString() {
        return "ClickHouseSinkConfig[" + user + "@" + url + " database=" + database + "]";
    }
}
