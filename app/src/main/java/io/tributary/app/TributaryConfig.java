package io.tributary.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.tributary.cdc.source.MySqlSourceOptions;
import io.tributary.job.TributaryJobOptions;
import io.tributary.sink.clickhouse.sink.ClickHouseSinkOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;

/**
 * The one YAML configuration file, flattened to dotted keys ({@code source.mysql.host}). Every key
 * can be overridden by an environment variable: upper case, dots and dashes as underscores,
 * prefixed {@code TRIBUTARY_} (e.g. {@code TRIBUTARY_SOURCE_MYSQL_PASSWORD}). Unknown keys fail.
 */
public final class TributaryConfig {
    public static final ConfigOption<Integer> API_PORT = ConfigOptions.key("api.port").intType().defaultValue(8080)
            .withDescription("Port of the HTTP API (bound to api.host).");
    public static final ConfigOption<String> API_HOST = ConfigOptions.key("api.host").stringType().defaultValue("127.0.0.1")
            .withDescription("Address the HTTP API binds to.");
    public static final ConfigOption<List<String>> API_TOKENS = ConfigOptions.key("api.tokens").stringType().asList()
            .defaultValues().withDescription("Admin bearer tokens (every endpoint, /api/v1/sql, /status, /metrics). "
                    + "This or api.clients-file must give at least one token.");
    public static final ConfigOption<String> API_CLIENTS_FILE = ConfigOptions.key("api.clients-file").stringType()
            .noDefaultValue().withDescription("YAML file of scoped API clients (token digest or env variable, endpoints, "
                    + "fixed parameter values, rate limit); see docs/api.md.");
    public static final ConfigOption<Double> API_RATE_LIMIT = ConfigOptions.key("api.rate-limit").doubleType()
            .defaultValue(200.0).withDescription("Requests per second allowed per client (burst: one second's worth) "
                    + "unless its entry in api.clients-file says otherwise; excess requests get 429 with Retry-After.");
    public static final ConfigOption<String> API_ENDPOINTS_DIR = ConfigOptions.key("api.endpoints-dir").stringType()
            .defaultValue("sql/endpoints").withDescription("Directory of endpoint files (<name>.sql), re-read when files "
                    + "are added, changed or removed.");
    public static final ConfigOption<Duration> API_QUERY_TIMEOUT = ConfigOptions.key("api.query-timeout").durationType()
            .defaultValue(Duration.ofSeconds(10)).withDescription("Longest an API query may run in ClickHouse; "
                    + "longer ones answer 504.");
    public static final ConfigOption<Integer> API_CACHE_ENTRIES = ConfigOptions.key("api.cache-entries").intType()
            .defaultValue(10_000).withDescription("Answers kept by the answer cache of endpoints that declare a cache time.");
    public static final ConfigOption<Integer> API_MAX_ROWS = ConfigOptions.key("api.max-rows").intType().defaultValue(10_000)
            .withDescription("Hard maximum of rows one API answer returns.");
    public static final ConfigOption<String> API_CLICKHOUSE_USER = ConfigOptions.key("api.clickhouse.user").stringType()
            .noDefaultValue().withDescription("ClickHouse user of the API (read-only); defaults to sink.clickhouse.user. Queries always run with readonly=1.");
    public static final ConfigOption<String> API_CLICKHOUSE_PASSWORD = ConfigOptions.key("api.clickhouse.password").stringType()
            .noDefaultValue().withDescription("Password of api.clickhouse.user.");
    public static final ConfigOption<String> STATE_DIR = ConfigOptions.key("state.dir").stringType().defaultValue("./state")
            .withDescription("Flink checkpoints (with Debezium offsets and schema history) and local files.");
    public static final ConfigOption<Duration> CHECKPOINT_INTERVAL = ConfigOptions.key("state.checkpoint-interval")
            .durationType().defaultValue(Duration.ofSeconds(5))
            .withDescription("How often the position is checkpointed; bounds the replay after a crash.");
    public static final ConfigOption<Integer> PARALLELISM = ConfigOptions.key("pipeline.parallelism").intType()
            .defaultValue(1).withDescription("Parallelism of deduplication and the sink (the binlog reader is always 1).");

    /** Keys earlier versions accepted: what became of them, so an old file fails with what to do. */
    private static final Map<String, String> REMOVED = Map.of("pipeline.deduplication-ttl",
            "the deduplication keeps one binlog position per subtask now, which needs no expiry; delete the line");

    private static final List<ConfigOption<?>> OPTIONS = List.of(
            MySqlSourceOptions.HOST, MySqlSourceOptions.PORT, MySqlSourceOptions.USER, MySqlSourceOptions.PASSWORD,
            MySqlSourceOptions.DATABASES, MySqlSourceOptions.TABLES, MySqlSourceOptions.SERVER_ID,
            MySqlSourceOptions.QUEUE_CAPACITY, MySqlSourceOptions.HEARTBEAT_INTERVAL, MySqlSourceOptions.POLL_INTERVAL,
            MySqlSourceOptions.SSL_MODE, MySqlSourceOptions.SSL_CA, MySqlSourceOptions.SNAPSHOT_READER,
            MySqlSourceOptions.SNAPSHOT_THREADS, MySqlSourceOptions.SNAPSHOT_CHUNK_ROWS,
            MySqlSourceOptions.VERIFY_ROWS_PER_SECOND, MySqlSourceOptions.VERIFY_REPAIR,
            ClickHouseSinkOptions.URL, ClickHouseSinkOptions.USER, ClickHouseSinkOptions.PASSWORD,
            ClickHouseSinkOptions.SSL_CA, ClickHouseSinkOptions.DATABASE, ClickHouseSinkOptions.STATUS_DATABASE, ClickHouseSinkOptions.BATCH_SIZE,
            ClickHouseSinkOptions.FLUSH_INTERVAL, ClickHouseSinkOptions.MAX_RETRIES, ClickHouseSinkOptions.RETRY_BACKOFF,
            ClickHouseSinkOptions.REQUEST_TIMEOUT, ClickHouseSinkOptions.VIEWS_DIR, TributaryJobOptions.ENRICHMENTS_DIR,
            API_PORT, API_HOST, API_TOKENS, API_CLIENTS_FILE, API_RATE_LIMIT, API_ENDPOINTS_DIR, API_QUERY_TIMEOUT,
            API_CACHE_ENTRIES, API_MAX_ROWS, API_CLICKHOUSE_USER, API_CLICKHOUSE_PASSWORD,
            STATE_DIR, CHECKPOINT_INTERVAL, PARALLELISM);
    private static final List<ConfigOption<?>> REQUIRED = List.of(MySqlSourceOptions.HOST, MySqlSourceOptions.USER,
            MySqlSourceOptions.PASSWORD, MySqlSourceOptions.DATABASES, ClickHouseSinkOptions.URL);

    private TributaryConfig() {}

    public static List<ConfigOption<?>> options() {
        return OPTIONS;
    }

    public static Configuration load(Path file) {
        return load(file, System.getenv());
    }

    public static Configuration load(Path file, Map<String, String> env) {
        Map<String, String> values = new TreeMap<>();
        if (!Files.isRegularFile(file)) {
            throw new ConfigException("configuration file " + file + " does not exist");
        }
        try {
            JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
            if (root != null && !root.isMissingNode() && !root.isNull()) {
                if (!root.isObject()) {
                    throw new ConfigException(file + ": the top level must be a mapping of keys");
                }
                flatten("", root, values);
            }
        } catch (IOException e) {
            throw new ConfigException(file + " is not valid YAML: " + e.getMessage());
        }
        for (ConfigOption<?> option : OPTIONS) {
            String override = env.get(envName(option.key()));
            if (override != null) {
                values.put(option.key(), override);
            }
        }
        for (String key : values.keySet()) {
            if (REMOVED.containsKey(key)) {
                throw new ConfigException("configuration key '" + key + "' in " + file + " was removed: " + REMOVED.get(key));
            }
            if (OPTIONS.stream().noneMatch(o -> o.key().equals(key))) {
                throw new ConfigException("unknown configuration key '" + key + "' in " + file
                        + " (see docs/configuration.md for the keys)");
            }
        }
        Configuration conf = Configuration.fromMap(values);
        for (ConfigOption<?> option : OPTIONS) {
            try {
                conf.get(option);
            } catch (RuntimeException e) {
                throw new ConfigException("configuration key '" + option.key() + "' has an invalid value '"
                        + values.get(option.key()) + "': " + rootMessage(e));
            }
        }
        for (ConfigOption<?> option : REQUIRED) {
            Object v = conf.get(option);
            if (v == null || v instanceof List<?> l && l.isEmpty() || v instanceof String s && s.isBlank()) {
                throw new ConfigException("missing required configuration key '" + option.key() + "': "
                        + option.description() + " (or set " + envName(option.key()) + ")");
            }
        }
        if (conf.get(API_TOKENS).isEmpty() && conf.getOptional(API_CLIENTS_FILE).isEmpty()) {
            throw new ConfigException("missing API tokens: set api.tokens (admin tokens, e.g. via " + envName(API_TOKENS.key())
                    + ") or api.clients-file (scoped tokens)");
        }
        return conf;
    }

    public static String envName(String key) {
        return "TRIBUTARY_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    private static void flatten(String prefix, JsonNode node, Map<String, String> out) {
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> f = fields.next();
            String key = prefix.isEmpty() ? f.getKey() : prefix + "." + f.getKey();
            JsonNode v = f.getValue();
            if (v.isObject()) {
                flatten(key, v, out);
            } else if (v.isArray()) {
                List<String> items = new ArrayList<>();
                v.forEach(i -> items.add(i.asText()));
                out.put(key, String.join(";", items));
            } else if (!v.isNull()) {
                out.put(key, v.asText());
            }
        }
    }

    private static String rootMessage(Throwable e) {
        while (e.getCause() != null) {
            e = e.getCause();
        }
        return e.getMessage();
    }

    /** A configuration mistake: one line naming the key. */
    public static final class ConfigException extends RuntimeException {
        public ConfigException(String message) {
            super(message);
        }
    }
}
