package io.tributary.app;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import org.apache.flink.configuration.Configuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code tributary run|verify|demo}. Exit codes: 0 ok, 1 verify found differences, 2 error. */
public final class Main {
    private static final Logger LOG = LoggerFactory.getLogger(Main.class);
    private static final String USAGE = """
            usage: tributary run --config FILE      pipeline + API in this JVM until SIGTERM
                   tributary verify --config FILE [--rows] [--threads N]
                                                    compare every captured MySQL table with ClickHouse
                                                    (by chunk checksums, N at once on N MySQL connections,
                                                    default 2; --rows: every row)
                   tributary api --config FILE [--flink-rest URL]
                                                    only the API, for a pipeline running on a Flink cluster
                   tributary resync --config FILE DB.TABLE [--timeout SECONDS]
                                                    re-read one table online (e.g. a parked one) and wait
                   tributary demo [--dir DIR]       local MySQL + ClickHouse + Sakila + pipeline + API""";

    private Main() {}

    public static void main(String[] args) {
        useUtcDefaultZone();
        System.exit(run(args));
    }

    /** This process is the whole pipeline, so it owns the JVM's zone: UTC (see BinlogSourceReader). */
    static void useUtcDefaultZone() {
        java.util.TimeZone previous = java.util.TimeZone.getDefault();
        if (!"UTC".equals(previous.getID())) {
            java.util.TimeZone.setDefault(java.util.TimeZone.getTimeZone("UTC"));
            LOG.info("JVM default time zone {} replaced by UTC: DATETIME values must never move with a zone's rules",
                    previous.getID());
        }
    }

    private static int verifyThreads(String[] args) {
        String value = option(args, "--threads", String.valueOf(Verify.DEFAULT_THREADS));
        try {
            int threads = Integer.parseInt(value);
            if (threads >= 1 && threads <= 64) {
                return threads;
            }
        } catch (NumberFormatException ignored) {
            // said below
        }
        throw new TributaryConfig.ConfigException("--threads must be a whole number from 1 to 64 (MySQL connections "
                + "checksumming chunks at once), got '" + value + "'");
    }

    static int run(String[] args) {
        if (args.length == 0) {
            System.err.println(USAGE);
            return 2;
        }
        try {
            return switch (args[0]) {
                case "run" -> runPipeline(TributaryConfig.load(configPath(args)));
                case "verify" -> Verify.run(TributaryConfig.load(configPath(args)), System.out,
                        java.util.Arrays.asList(args).contains("--rows"), verifyThreads(args));
                case "demo" -> Demo.run(option(args, "--dir", ".tributary/demo"));
                case "api" -> runApi(TributaryConfig.load(configPath(args)), option(args, "--flink-rest", null));
                case "resync" -> ResyncCommand.run(TributaryConfig.load(configPath(args)), resyncTable(args),
                        java.time.Duration.ofSeconds(Long.parseLong(option(args, "--timeout", "1800"))), System.out);
                default -> {
                    System.err.println("unknown command '" + args[0] + "'\n" + USAGE);
                    yield 2;
                }
            };
        } catch (TributaryConfig.ConfigException e) {
            System.err.println("configuration error: " + e.getMessage());
            return 2;
        } catch (Exception e) {
            LOG.error("tributary {} failed", args[0], e);
            System.err.println("error: " + rootMessage(e));
            return 2;
        }
    }

    static int runPipeline(Configuration config) throws Exception {
        RunningPipeline running = RunningPipeline.start(config);
        System.out.println("Tributary is running. API: " + running.apiUrl() + "  (SIGTERM or Ctrl-C stops it)");
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            running.close();
            stopped.countDown();
        }, "tributary-shutdown"));
        running.awaitTermination();
        stopped.await();
        return 0;
    }

    /** The API alone; the pipeline state comes from the Flink cluster's REST API when given. */
    static int runApi(Configuration config, String flinkRest) throws Exception {
        java.util.function.Supplier<String> state = flinkRest == null ? () -> "EXTERNAL" : new FlinkJobState(flinkRest);
        io.tributary.api.ApiServer api = RunningPipeline.startApi(config, RunningPipeline.apiSettings(config), state);
        System.out.println("Tributary API: " + api.url() + (flinkRest == null ? "" : "  (pipeline on " + flinkRest + ")"));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            api.close();
            stopped.countDown();
        }, "tributary-api-shutdown"));
        stopped.await();
        return 0;
    }

    /** The one argument that is not an option or an option's value. */
    static String resyncTable(String[] args) {
        for (int i = 1; i < args.length; i++) {
            if (args[i].startsWith("--")) {
                i++;
            } else {
                return args[i];
            }
        }
        throw new IllegalArgumentException("resync needs the table to re-read, as db.table\n" + USAGE);
    }

    /** The innermost message: Flink wraps a source's own explanation in several "job failed" layers. */
    static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IllegalStateException && t.getMessage() != null) {
                return t.getMessage();
            }
        }
        return String.valueOf(root.getMessage());
    }

    private static Path configPath(String[] args) {
        String path = option(args, "--config", null);
        if (path == null) {
            throw new TributaryConfig.ConfigException("--config FILE is required for '" + args[0] + "'");
        }
        return Path.of(path);
    }

    private static String option(String[] args, String name, String fallback) {
        int i = Arrays.asList(args).indexOf(name);
        return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
    }
}
