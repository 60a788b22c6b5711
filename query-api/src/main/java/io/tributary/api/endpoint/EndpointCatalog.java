package io.tributary.api.endpoint;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The endpoints of a directory, re-read when files are added, changed or removed (checked every
 * second, and at once when a request names an endpoint not yet known). A file that does not parse
 * is reported with its error and does not affect the others; its previous version is not served.
 */
public final class EndpointCatalog implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EndpointCatalog.class);

    private record Loaded(long modified, long size, Endpoint endpoint, String error) {}

    private final Path directory;
    private final ScheduledExecutorService rescans;
    private volatile Map<String, Loaded> files = Map.of();

    private EndpointCatalog(Path directory, boolean watch) {
        this.directory = directory;
        refresh();
        if (watch) {
            rescans = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "endpoint-catalog");
                t.setDaemon(true);
                return t;
            });
            rescans.scheduleWithFixedDelay(this::refresh, 1, 1, TimeUnit.SECONDS);
        } else {
            rescans = null;
        }
    }

    /** Reads the directory now and keeps it current until closed. */
    public static EndpointCatalog watching(Path directory) {
        return new EndpointCatalog(directory, true);
    }

    /** Reads the directory once (tools such as the OpenAPI export). */
    public static EndpointCatalog once(Path directory) {
        return new EndpointCatalog(directory, false);
    }

    public Path directory() {
        return directory;
    }

    public synchronized void refresh() {
        Map<String, Loaded> next = new HashMap<>();
        if (Files.isDirectory(directory)) {
            try (Stream<Path> list = Files.list(directory)) {
                for (Path file : list.filter(f -> f.getFileName().toString().endsWith(".sql")).toList()) {
                    String fileName = file.getFileName().toString();
                    try {
                        long modified = Files.getLastModifiedTime(file).toMillis();
                        long size = Files.size(file);
                        Loaded before = files.get(fileName);
                        if (before != null && before.modified == modified && before.size == size) {
                            next.put(fileName, before);
                            continue;
                        }
                        next.put(fileName, load(fileName, Files.readString(file, StandardCharsets.UTF_8), modified, size));
                    } catch (IOException e) {
                        // Deleted between listing and reading, or unreadable: report it like a bad file.
                        next.put(fileName, new Loaded(0, 0, null, fileName + ": cannot be read (" + e.getMessage() + ")"));
                    }
                }
            } catch (IOException e) {
                LOG.warn("cannot list endpoint directory {}: {}", directory, e.toString());
                return;
            }
        }
        for (String gone : files.keySet()) {
            if (!next.containsKey(gone)) {
                LOG.info("endpoint file {} removed; its endpoint is no longer served", gone);
            }
        }
        files = Map.copyOf(next);
    }

    private static Loaded load(String fileName, String text, long modified, long size) {
        try {
            Endpoint endpoint = EndpointFile.parse(fileName, text);
            LOG.info("endpoint {} loaded from {} (version {})", endpoint.name(), fileName, endpoint.version());
            return new Loaded(modified, size, endpoint, null);
        } catch (EndpointFile.InvalidEndpointException e) {
            LOG.error("endpoint file not served: {}", e.getMessage());
            return new Loaded(modified, size, null, e.getMessage());
        }
    }

    /** The endpoint of that name; an unknown name triggers one immediate re-read of the directory. */
    public Optional<Endpoint> find(String name) {
        Optional<Endpoint> found = lookup(name);
        if (found.isEmpty() && EndpointFile.NAME.matcher(name).matches()) {
            refresh();
            found = lookup(name);
        }
        return found;
    }

    private Optional<Endpoint> lookup(String name) {
        Loaded l = files.get(name + ".sql");
        return l == null ? Optional.empty() : Optional.ofNullable(l.endpoint);
    }

    /** The error of a file that exists but cannot be served. */
    public Optional<String> error(String name) {
        Loaded l = files.get(name + ".sql");
        return l == null ? Optional.empty() : Optional.ofNullable(l.error);
    }

    public List<Endpoint> endpoints() {
        return files.values().stream().filter(l -> l.endpoint != null).map(Loaded::endpoint)
                .sorted((a, b) -> a.name().compareTo(b.name())).toList();
    }

    /** File name to error, for every file that cannot be served. */
    public Map<String, String> errors() {
        Map<String, String> errors = new TreeMap<>();
        files.forEach((f, l) -> {
            if (l.error != null) {
                errors.put(f, l.error);
            }
        });
        return errors;
    }

    @Override
    public void close() {
        if (rescans != null) {
            rescans.shutdownNow();
        }
    }
}
