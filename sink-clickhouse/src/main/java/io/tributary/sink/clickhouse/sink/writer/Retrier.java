package io.tributary.sink.clickhouse.sink.writer;

import io.tributary.sink.clickhouse.client.ClickHouseException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Retries retriable ClickHouse errors with exponential backoff; anything else, or too many, fails. */
final class Retrier {
    private static final Logger LOG = LoggerFactory.getLogger(Retrier.class);
    private static final long MAX_BACKOFF_MS = 30_000;

    private final int maxRetries;
    private final long initialBackoffMs;

    Retrier(int maxRetries, Duration initialBackoff) {
        this.maxRetries = maxRetries;
        this.initialBackoffMs = Math.max(1, initialBackoff.toMillis());
    }

    void run(String what, Runnable action) {
        long backoff = initialBackoffMs;
        for (int attempt = 0; ; attempt++) {
            try {
                action.run();
                return;
            } catch (ClickHouseException e) {
                if (!e.isRetriable() || attempt >= maxRetries) {
                    throw new IllegalStateException("Giving up on " + what + " after " + (attempt + 1) + " attempt(s); "
                            + "the batch is kept (not dropped): the job fails and redoes it from its last checkpoint. "
                            + "Cause: " + e.getMessage(), e);
                }
                LOG.warn("{} failed (attempt {} of {}), retrying in {} ms: {}", what, attempt + 1, maxRetries + 1,
                        backoff, e.getMessage());
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while retrying " + what, ie);
                }
                backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
            }
        }
    }
}
