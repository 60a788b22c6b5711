package io.tributary.localservers;

import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

/** The official MySQL and ClickHouse images through Testcontainers, where a Docker engine runs. */
public final class ContainerServers {
    /** The shared test server's image: the current LTS (8.0 reached end of life in April 2026). */
    public static final String MYSQL_IMAGE = "mysql:8.4";
    /** Every MySQL line users run, for the tests that go through each ({@code MySqlVersionsIT}). */
    public static final List<String> MYSQL_IMAGES = List.of("mysql:8.0", "mysql:8.4", "mysql:9");
    public static final String CLICKHOUSE_IMAGE = "clickhouse/clickhouse-server:25.8";

    private ContainerServers() {}

    /** Empty when Docker is usable; otherwise why not, for a visible skip message. */
    public static String dockerUnavailableReason() {
        try {
            return DockerClientFactory.instance().isDockerAvailable() ? "" : "no Docker engine answers on this machine";
        } catch (RuntimeException | LinkageError e) {
            return "no Docker engine answers on this machine (" + e.getMessage() + ")";
        }
    }

    public static MySqlServer mysql() {
        return mysql(MYSQL_IMAGE);
    }

    /** An official MySQL image ({@code mysql:8.0}, {@code mysql:8.4}, {@code mysql:9}) with binlog and GTIDs on. */
    public static MySqlServer mysql(String image) {
        String rootPassword = Secrets.random();
        String cdcPassword = Secrets.random();
        GenericContainer<?> c = new GenericContainer<>(DockerImageName.parse(image))
                .withEnv("MYSQL_ROOT_PASSWORD", rootPassword)
                .withCommand("--server-id=1", "--log-bin=binlog", "--binlog-format=ROW", "--binlog-row-image=FULL",
                        "--gtid-mode=ON", "--enforce-gtid-consistency=ON", "--log-bin-trust-function-creators=1")
                .withExposedPorts(3306)
                .waitingFor(Wait.forLogMessage(".*ready for connections.*port: 3306.*", 1)
                        .withStartupTimeout(Duration.ofMinutes(3)));
        // A fixed host port: the address must survive stopServer/startServer (outage tests).
        c.setPortBindings(List.of(FreePorts.find() + ":3306"));
        c.start();
        MySqlServer server = new MySqlServer() {
            @Override public String host() { return c.getHost(); }
            @Override public int port() { return c.getMappedPort(3306); }
            @Override public Credentials admin() { return new Credentials("root", rootPassword); }
            @Override public Credentials cdc() { return new Credentials("tributary_cdc", cdcPassword); }
            @Override public void stopServer() { stopContainer(c); }
            @Override public void startServer() { startContainer(c, () -> {
                try (var conn = DriverManager.getConnection(jdbcUrl(null), "root", rootPassword)) {
                    return conn.isValid(2);
                } catch (SQLException e) {
                    return false;
                }
            }); }
            @Override public void close() { c.stop(); }
        };
        try (var conn = DriverManager.getConnection(server.jdbcUrl(null), "root", rootPassword);
             var st = conn.createStatement()) {
            st.execute("CREATE USER 'tributary_cdc'@'%' IDENTIFIED WITH caching_sha2_password BY '" + cdcPassword + "'");
            st.execute("GRANT SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE, REPLICATION CLIENT, LOCK TABLES ON *.* TO 'tributary_cdc'@'%'");
        } catch (SQLException e) {
            c.stop();
            throw new IllegalStateException("Cannot create the CDC user in the MySQL container: " + e.getMessage(), e);
        }
        return server;
    }

    /** docker stop: the container and its data stay; the fixed port binding keeps the address. */
    static void stopContainer(GenericContainer<?> c) {
        c.getDockerClient().stopContainerCmd(c.getContainerId()).withTimeout(30).exec();
    }

    static void startContainer(GenericContainer<?> c, java.util.function.BooleanSupplier ready) {
        c.getDockerClient().startContainerCmd(c.getContainerId()).exec();
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (!ready.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(c.getDockerImageName() + " did not answer within 3 minutes of docker start");
            }
            LocalMySql.sleep(250);
        }
    }

    public static ClickHouseServer clickhouse() {
        GenericContainer<?> c = new GenericContainer<>(DockerImageName.parse(CLICKHOUSE_IMAGE))
                .withEnv("CLICKHOUSE_SKIP_USER_SETUP", "1")
                .withExposedPorts(8123)
                .waitingFor(Wait.forHttp("/ping").forPort(8123).withStartupTimeout(Duration.ofMinutes(3)));
        c.setPortBindings(List.of(FreePorts.find() + ":8123"));
        c.start();
        return new ClickHouseServer() {
            @Override public String httpUrl() { return "http://" + c.getHost() + ":" + c.getMappedPort(8123); }
            @Override public String user() { return "default"; }
            @Override public String password() { return ""; }
            @Override public void stopServer() { stopContainer(c); }
            @Override public void startServer() { startContainer(c, () -> {
                try {
                    var r = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create(httpUrl() + "/ping")).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
                    return r.statusCode() == 200;
                } catch (java.io.IOException e) {
                    return false;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }); }
            @Override public void close() { c.stop(); }
        };
    }
}
