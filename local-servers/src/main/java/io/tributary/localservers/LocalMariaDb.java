package io.tributary.localservers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A real MariaDB (Debian's {@code mariadb-server}, run from its binaries in a directory of its
 * own, binlog on in ROW format): the flavour Tributary must refuse with a clear message, because
 * Debezium's MySQL connector does not read MariaDB's binlog and GTIDs.
 */
public final class LocalMariaDb implements MySqlServer {
    public static final Path SERVER = Path.of("/usr/sbin/mariadbd");
    private static final Path INSTALL_DB = Path.of("/usr/bin/mariadb-install-db");

    private final Path dir;
    private final int port = FreePorts.find();
    private final Credentials admin = new Credentials("tributary_admin", Secrets.random());
    private final Credentials cdc = new Credentials("tributary_cdc", Secrets.random());
    private Process process;

    private LocalMariaDb(Path dir) {
        this.dir = dir;
    }

    public static boolean installed() {
        return Files.isExecutable(SERVER) && Files.isExecutable(INSTALL_DB);
    }

    /** Initialises a new server in {@code dir} and starts it. */
    public static LocalMariaDb start(Path dir) {
        LocalMariaDb server = new LocalMariaDb(dir);
        try {
            server.startProcess();
        } catch (IOException e) {
            throw new IllegalStateException("Cannot start MariaDB in " + dir + ": " + e.getMessage(), e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        return server;
    }

    private void startProcess() throws IOException {
        Files.createDirectories(dir);
        Path data = dir.resolve("data");
        Path cnf = dir.resolve("my.cnf");
        Path initFile = dir.resolve("users.sql");
        Files.writeString(initFile, ServerProcesses.usersSql(admin, cdc, "IDENTIFIED BY"));
        Files.writeString(cnf, String.join("\n",
                "[mysqld]",
                "datadir=" + data,
                "socket=" + Path.of(System.getProperty("java.io.tmpdir"), "tributary-mariadb-" + port + ".sock"),
                "pid-file=" + dir.resolve("mariadbd.pid"),
                "log-error=" + dir.resolve("mariadbd.err"),
                "port=" + port,
                "bind-address=127.0.0.1",
                "user=root",
                "skip-name-resolve",
                "server-id=1",
                "log-bin=" + dir.resolve("binlog"),
                "binlog_format=ROW",
                "binlog_row_image=FULL",
                "init-file=" + initFile,
                ""));
        ToolCache.run(dir, List.of(INSTALL_DB.toString(), "--defaults-file=" + cnf, "--auth-root-authentication-method=normal",
                "--skip-test-db"));
        process = new ProcessBuilder(SERVER.toString(), "--defaults-file=" + cnf)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("mariadbd.out").toFile()))
                .start();
        awaitReady();
    }

    private void awaitReady() {
        ServerProcesses.awaitJdbc(process, this, "mariadbd", dir.resolve("mariadbd.err"), 60);
    }

    @Override
    public String host() {
        return "127.0.0.1";
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public Credentials admin() {
        return admin;
    }

    @Override
    public Credentials cdc() {
        return cdc;
    }

    @Override
    public void stopServer() {
        close();
    }

    @Override
    public void startServer() {
        throw new UnsupportedOperationException("LocalMariaDb is started once, to be refused");
    }

    @Override
    public synchronized void close() {
        ServerProcesses.stop(process, 30);
    }
}
