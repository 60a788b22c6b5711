package io.tributary.localservers;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;

/** Starting and stopping the local database server processes the same way. */
final class ServerProcesses {
    private ServerProcesses() {}

    /** Waits until the server accepts a JDBC login on {@code port}; fails early if the process died. */
    static void awaitJdbc(Process process, MySqlServer server, String name, Path errorLog, int seconds) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        SQLException last = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + "; see " + errorLog);
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(server.host(), server.port()), 500);
                try (var c = DriverManager.getConnection(server.jdbcUrl(null), server.admin().user(), server.admin().password())) {
                    return;
                } catch (SQLException e) {
                    last = e;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            LocalMySql.sleep(200);
        }
        throw new IllegalStateException(name + " did not accept connections on port " + server.port() + " within "
                + seconds + " s" + (last == null ? "" : ": " + last.getMessage()));
    }

    /** SIGTERM, then SIGKILL if it has not stopped after {@code seconds}. */
    static void stop(Process process, int seconds) {
        if (process == null || !process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The init file's users: an admin with every right and the CDC user with exactly the grants
     * Debezium needs. {@code identifiedBy} is the server's clause before the password, e.g.
     * {@code IDENTIFIED WITH caching_sha2_password BY}. The users are also altered, so that a data
     * directory initialised by an older harness (mysql_native_password) takes the current clause.
     */
    static String usersSql(MySqlServer.Credentials admin, MySqlServer.Credentials cdc, String identifiedBy) {
        return String.join("\n",
                "CREATE USER IF NOT EXISTS '" + admin.user() + "'@'%' " + identifiedBy + " '" + admin.password() + "';",
                "ALTER USER '" + admin.user() + "'@'%' " + identifiedBy + " '" + admin.password() + "';",
                "GRANT ALL ON *.* TO '" + admin.user() + "'@'%' WITH GRANT OPTION;",
                "CREATE USER IF NOT EXISTS '" + cdc.user() + "'@'%' " + identifiedBy + " '" + cdc.password() + "';",
                "ALTER USER '" + cdc.user() + "'@'%' " + identifiedBy + " '" + cdc.password() + "';",
                "GRANT SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE, REPLICATION CLIENT, LOCK TABLES ON *.* TO '"
                        + cdc.user() + "'@'%';",
                "");
    }
}
