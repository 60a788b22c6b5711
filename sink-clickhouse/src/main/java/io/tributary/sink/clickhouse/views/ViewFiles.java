package io.tributary.sink.clickhouse.views;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Reads every {@code *.sql} of the views directory; any broken file stops start-up with its message. */
public final class ViewFiles {
    private ViewFiles() {}

    /** The views of {@link io.tributary.sink.clickhouse.sink.ClickHouseSinkOptions#VIEWS_DIR}; none when unset. */
    public static List<ViewDefinition> configured(org.apache.flink.configuration.Configuration options) {
        return options.getOptional(io.tributary.sink.clickhouse.sink.ClickHouseSinkOptions.VIEWS_DIR)
                .map(dir -> load(Path.of(dir))).orElse(List.of());
    }

    public static List<ViewDefinition> load(Path directory) {
        if (!Files.isDirectory(directory)) {
            throw new IllegalArgumentException("sink.clickhouse.views-dir: " + directory.toAbsolutePath()
                    + " is not a directory");
        }
        List<ViewDefinition> views = new ArrayList<>();
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".sql")).sorted().toList()) {
                String name = file.getFileName().toString();
                views.add(ViewDefinition.parse(file.toString(), name.substring(0, name.length() - 4),
                        Files.readString(file, StandardCharsets.UTF_8)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the views directory " + directory, e);
        }
        return views;
    }
}
