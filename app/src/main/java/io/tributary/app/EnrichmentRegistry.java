package io.tributary.app;

import io.tributary.job.enrich.Enrichment;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which enrichments the state in {@code state.dir} was built for. An enrichment's Flink state is
 * filled by the snapshot; one added or changed later would miss every row that existed before,
 * so a resume with a new or changed enrichment stops with what to do instead of starting wrong.
 */
final class EnrichmentRegistry {
    private static final String FILE = "enrichments.txt";

    private EnrichmentRegistry() {}

    static void check(Path stateDir, boolean resuming, List<Enrichment> enrichments) {
        Path file = stateDir.resolve(FILE);
        if (!resuming || !Files.exists(file)) {
            return;
        }
        Map<String, String> built = read(file);
        List<String> problems = new ArrayList<>();
        for (Enrichment e : enrichments) {
            String was = built.get(e.name());
            if (was == null) {
                problems.add(e.name() + " is new");
            } else if (!was.equals(digest(e))) {
                problems.add(e.name() + " changed (tables, joins or columns)");
            }
        }
        if (!problems.isEmpty()) {
            throw new TributaryConfig.ConfigException("Enrichment " + String.join(", ", problems) + " since the snapshot "
                    + "this pipeline's state was built from: its state would miss every row that existed before. "
                    + "Start from a new snapshot (stop, delete " + stateDir + ", start; ClickHouse converges again), or "
                    + "restore the previous enrichment file(s).");
        }
    }

    /** After the job started: the enrichments its state now follows. */
    static void record(Path stateDir, List<Enrichment> enrichments) {
        StringBuilder text = new StringBuilder("# enrichments the state in this directory was built for (name digest)\n");
        Map<String, String> lines = new TreeMap<>();
        enrichments.forEach(e -> lines.put(e.name(), digest(e)));
        lines.forEach((name, digest) -> text.append(name).append(' ').append(digest).append('\n'));
        try {
            Files.writeString(stateDir.resolve(FILE), text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + stateDir.resolve(FILE), e);
        }
    }

    static String digest(Enrichment enrichment) {
        Enrichment withoutText = new Enrichment(enrichment.name(), "", enrichment.database(), enrichment.factTable(),
                enrichment.factAlias(), enrichment.lookups(), enrichment.columns());
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(withoutText.toString().getBytes(StandardCharsets.UTF_8)), 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, String> read(Path file) {
        Map<String, String> built = new TreeMap<>();
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String[] f = line.strip().split(" ");
                if (f.length == 2 && !line.startsWith("#")) {
                    built.put(f[0], f[1]);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        return built;
    }
}
