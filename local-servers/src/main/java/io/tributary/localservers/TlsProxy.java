package io.tributary.localservers;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;

/**
 * TLS in front of a plain TCP server on loopback, as a load balancer or ClickHouse Cloud's endpoint
 * puts it in front of ClickHouse: the local ClickHouse engine (clickhouse-local) listens on HTTP
 * only, so https to it is tested through this. Its certificate is signed by a test authority made
 * with the JDK's keytool at start ({@link #caPem}) and names only {@code 127.0.0.1}, so a client
 * that connects by {@code localhost} sees a certificate not issued for its host.
 */
public final class TlsProxy implements AutoCloseable {
    private final ServerSocket listener;
    private final Path caPem;
    private final Thread acceptor;
    private volatile boolean closed;

    private TlsProxy(ServerSocket listener, Path caPem, int targetPort) {
        this.listener = listener;
        this.caPem = caPem;
        this.acceptor = new Thread(() -> accept(targetPort), "tls-proxy-" + listener.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Terminates TLS on a free loopback port and forwards each connection to {@code 127.0.0.1:targetPort}. */
    public static TlsProxy start(Path dir, int targetPort) {
        try {
            Files.createDirectories(dir);
            byte[] random = new byte[12];
            new SecureRandom().nextBytes(random);
            String password = HexFormat.of().formatHex(random); // a throwaway store: generated per start, never kept
            Path ca = dir.resolve("ca.p12");
            Path server = dir.resolve("server.p12");
            Path caPem = dir.resolve("ca.pem");
            Path csr = dir.resolve("server.csr");
            Path serverPem = dir.resolve("server.pem");
            for (Path p : List.of(ca, server, caPem, csr, serverPem)) {
                Files.deleteIfExists(p);
            }
            keytool(dir, "-genkeypair", "-alias", "ca", "-keyalg", "RSA", "-keysize", "2048", "-dname",
                    "CN=Tributary test CA", "-ext", "bc:c", "-validity", "3650", "-storetype", "PKCS12",
                    "-keystore", ca.toString(), "-storepass", password);
            keytool(dir, "-exportcert", "-rfc", "-alias", "ca", "-keystore", ca.toString(), "-storepass", password,
                    "-file", caPem.toString());
            keytool(dir, "-genkeypair", "-alias", "server", "-keyalg", "RSA", "-keysize", "2048", "-dname",
                    "CN=127.0.0.1", "-validity", "3650", "-storetype", "PKCS12", "-keystore", server.toString(),
                    "-storepass", password);
            keytool(dir, "-certreq", "-alias", "server", "-keystore", server.toString(), "-storepass", password,
                    "-file", csr.toString());
            keytool(dir, "-gencert", "-rfc", "-alias", "ca", "-keystore", ca.toString(), "-storepass", password,
                    "-infile", csr.toString(), "-outfile", serverPem.toString(), "-ext", "san=ip:127.0.0.1",
                    "-validity", "3650");
            keytool(dir, "-importcert", "-noprompt", "-alias", "ca", "-keystore", server.toString(), "-storepass",
                    password, "-file", caPem.toString());
            keytool(dir, "-importcert", "-alias", "server", "-keystore", server.toString(), "-storepass", password,
                    "-file", serverPem.toString());

            KeyStore keys = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(server)) {
                keys.load(in, password.toCharArray());
            }
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, password.toCharArray());
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), null, null);
            SSLServerSocket listener = (SSLServerSocket) context.getServerSocketFactory()
                    .createServerSocket(0, 50, InetAddress.getLoopbackAddress());
            return new TlsProxy(listener, caPem, targetPort);
        } catch (IOException | java.security.GeneralSecurityException e) {
            throw new IllegalStateException("Cannot start the TLS proxy in " + dir + ": " + e, e);
        }
    }

    private static void keytool(Path dir, String... args) throws IOException {
        List<String> command = new java.util.ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException("keytool " + args[0] + " failed: " + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted running keytool", e);
        }
    }

    private void accept(int targetPort) {
        while (!closed) {
            try {
                Socket client = listener.accept();
                Socket target = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                pump(client, target);
                pump(target, client);
            } catch (IOException e) {
                if (closed) {
                    return;
                }
            }
        }
    }

    private static void pump(Socket from, Socket to) {
        Thread t = new Thread(() -> {
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                in.transferTo(out);
            } catch (IOException e) {
                // the other side closed (or the TLS handshake failed): close both
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "tls-proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing
        }
    }

    /** {@code https://127.0.0.1:<port>}: the name the certificate is issued for. */
    public String url() {
        return "https://127.0.0.1:" + listener.getLocalPort();
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** The PEM file of the authority that signed the proxy's certificate. */
    public Path caPem() {
        return caPem;
    }

    @Override
    public void close() {
        closed = true;
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing
        }
    }
}
