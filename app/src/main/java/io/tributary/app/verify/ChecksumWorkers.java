package io.tributary.app.verify;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.function.Supplier;

/**
 * The threads {@code verify} checksums chunks on: {@link #size} MySQL connections, each used by one
 * chunk at a time and opened on first use, and threads for ClickHouse's side, so that both servers and
 * several chunks are checksummed at once. Building a row's text and its MD5 is MySQL's CPU work (16.7 s
 * of 18.3 s on 10M rows of {@code bench.events} over one connection), so the connections decide the
 * speed; their number is what {@code verify --threads} asks of MySQL.
 */
final class ChecksumWorkers implements AutoCloseable {
    /** Opens a MySQL connection with the settings verify reads in (time zone, year type). */
    interface Opener {
        Connection open() throws SQLException;
    }

    /** Work on one borrowed MySQL connection. */
    interface MySqlWork<T> {
        T on(Connection c) throws Exception;
    }

    private final Opener opener;
    private final int size;
    private final ExecutorService mysqlThreads;
    private final ExecutorService clickhouseThreads;
    private final ThreadLocal<Connection> connection = new ThreadLocal<>();
    private final List<Connection> opened = new ArrayList<>();

    ChecksumWorkers(Opener opener, int size) {
        if (size < 1) {
            throw new IllegalArgumentException("verify needs at least one MySQL connection, got " + size);
        }
        this.opener = opener;
        this.size = size;
        this.mysqlThreads = Executors.newFixedThreadPool(size, daemon("verify-mysql"));
        this.clickhouseThreads = Executors.newFixedThreadPool(size, daemon("verify-clickhouse"));
    }

    private static ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    /** How many chunks are checksummed at once. */
    int size() {
        return size;
    }

    /** {@code work} on this worker thread's own connection, opened on its first use. */
    <T> CompletableFuture<T> mysql(MySqlWork<T> work) {
        CompletableFuture<T> result = new CompletableFuture<>();
        mysqlThreads.execute(() -> {
            try {
                Connection c = connection.get();
                if (c == null) {
                    c = opener.open();
                    connection.set(c);
                    synchronized (opened) {
                        opened.add(c);
                    }
                }
                result.complete(work.on(c));
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    <T> CompletableFuture<T> clickhouse(Supplier<T> work) {
        return CompletableFuture.supplyAsync(work, clickhouseThreads);
    }

    @Override
    public void close() {
        mysqlThreads.shutdownNow();
        clickhouseThreads.shutdownNow();
        synchronized (opened) {
            for (Connection c : opened) {
                try {
                    c.close();
                } catch (SQLException ignored) {
                    // closing: the server ends the session either way
                }
            }
            opened.clear();
        }
    }
}
