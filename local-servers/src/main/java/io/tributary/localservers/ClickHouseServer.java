package io.tributary.localservers;

/** A running ClickHouse reachable over HTTP on loopback. */
public interface ClickHouseServer extends AutoCloseable {
    /** Base HTTP URL, e.g. {@code http://127.0.0.1:8123}. */
    String httpUrl();

    String user();

    String password();

    /** Stops the server process; data and address stay for {@link #startServer()} (outage tests). */
    void stopServer();

    /** Starts a server stopped by {@link #stopServer()} on the same data and address, and waits until it answers. */
    void startServer();

    @Override
    void close();
}
