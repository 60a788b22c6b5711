package io.tributary.localservers;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One MySQL and one ClickHouse per JVM for all integration tests of a module. Testcontainers
 * (official images) where a Docker engine runs, otherwise the real local binaries. Set
 * {@code TRIBUTARY_SERVERS=local} or {@code =docker} to force one.
 */
public final class SharedServers {
    private static MySqlServer mysql;
    private static ClickHouseServer clickhouse;

    private SharedServers() {}

    public static synchronized MySqlServer mysql() {
        if (mysql == null) {
            mysql = useDocker() ? ContainerServers.mysql() : LocalMySql.start(workDir().resolve("mysql"));
        }
        return mysql;
    }

    public static synchronized ClickHouseServer clickhouse() {
        if (clickhouse == null) {
            clickhouse = useDocker() ? ContainerServers.clickhouse() : LocalClickHouse.start(workDir().resolve("clickhouse"));
        }
        return clickhouse;
    }

    public static boolean useDocker() {
        String choice = System.getenv().getOrDefault("TRIBUTARY_SERVERS", "auto");
        return switch (choice) {
            case "local" -> false;
            case "docker" -> true;
            default -> ContainerServers.dockerUnavailableReason().isEmpty();
        };
    }

    /** A fresh directory per JVM under target/, so runs never see each other's data. */
    public static Path workDir() {
        try {
            Path base = Path.of(System.getProperty("tributary.test.dir", "target/test-servers"));
            Files.createDirectories(base);
            return Files.createTempDirectory(base.toAbsolutePath(), "run-");
        } catch (java.io.IOException e) {
            throw new IllegalStateException("Cannot create the test server directory: " + e.getMessage(), e);
        }
    }
}
