package io.tributary.localservers;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real ClickHouse 26.7 engine (libchdb.so, i.e. clickhouse-local) serving HTTP and native
 * TCP on loopback. clickhouse-local closes its listeners when its query returns, so the
 * launcher keeps a never-ending query running; SIGTERM stops it. Data under the directory
 * survives restarts.
 */
public final class LocalClickHouse implements ClickHouseServer {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Path dir;
    private Process process;
    private int httpPort;
    private int tcpPort;

    private LocalClickHouse(Path dir) {
        this.dir = dir;
    }

    public static LocalClickHouse start(Path dir) {
        LocalClickHouse server = new LocalClickHouse(dir);
        server.startProcess();
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        return server;
    }

    private void startProcess() {
        Path[] engine = ToolCache.chdb();
        Path portsFile = dir.resolve("ports.tsv");
        try {
            Files.createDirectories(dir.resolve("data"));
            Files.deleteIfExists(portsFile);
            String query = "SYSTEM START LISTEN HTTP; SYSTEM START LISTEN TCP; "
                    + "SELECT getServerPort('http_port'), getServerPort('tcp_port') INTO OUTFILE '" + portsFile
                    + "' TRUNCATE FORMAT TSV; "
                    + "SELECT sleepEachRow(3) FROM numbers(1000000000) FORMAT Null "
                    + "SETTINGS max_block_size=1, max_execution_time=0";
            process = new ProcessBuilder(List.of(engine[0].toString(), engine[1].toString(),
                    "--path=" + dir.resolve("data"), "--listen_host=127.0.0.1",
                    "--http_port=" + httpPort, "--tcp_port=" + tcpPort,
                    "--query", query))
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("clickhouse.log").toFile()))
                    .start();
            awaitReady(portsFile);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot start ClickHouse in " + dir + ": " + e.getMessage(), e);
        }
    }

    private void awaitReady(Path portsFile) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("ClickHouse exited with " + process.exitValue() + "; see "
                        + dir.resolve("clickhouse.log"));
            }
            if (Files.exists(portsFile) && Files.size(portsFile) > 0) {
                String[] ports = Files.readString(portsFile).trim().split("\t");
                httpPort = Integer.parseInt(ports[0]);
                tcpPort = Integer.parseInt(ports[1]);
                if (ping()) {
                    return;
                }
            }
            LocalMySql.sleep(100);
        }
        throw new IllegalStateException("ClickHouse did not answer /ping within 120 s; see " + dir.resolve("clickhouse.log"));
    }

    private boolean ping() {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(httpUrl() + "/ping"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public String httpUrl() {
        return "http://127.0.0.1:" + httpPort;
    }

    public int tcpPort() {
        return tcpPort;
    }

    @Override
    public String user() {
        return "default";
    }

    @Override
    public String password() {
        return "";
    }

    /**
     * Pauses (SIGSTOP) or resumes (SIGCONT) the engine without closing its connections: a benchmark alternates
     * the two to make ClickHouse slow rather than gone.
     */
    public void pause(boolean paused) {
        try {
            Process kill = new ProcessBuilder("kill", paused ? "-STOP" : "-CONT", Long.toString(process.pid())).start();
            if (kill.waitFor() != 0) {
                throw new IllegalStateException("kill " + (paused ? "-STOP " : "-CONT ") + process.pid() + " failed");
            }
        } catch (IOException e) {
            throw new IllegalStateException("Cannot signal ClickHouse: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void stopServer() {
        close();
    }

    @Override
    public void startServer() {
        startProcess();
    }

    /** Stops the engine; {@link #startServer()} brings it back on the same data and ports. */
    @Override
    public synchronized void close() {
        ServerProcesses.stop(process, 30);
    }
}
