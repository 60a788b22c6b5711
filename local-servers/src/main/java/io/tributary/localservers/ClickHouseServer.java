package io.tributary.localservers;

/** A running ClickHouse reachable over HTTP on loopback. */
public interface ClickHouseServer extends AutoCloseable {
    /** Base HTTP URL, e.g. {@code http://127.0.0.1:8123}. */
    String httpUrl();

    String user();

    String password();

    @Override
    void close();
}
