package io.tributary.api.auth;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * A token bucket per client: {@code requestsPerSecond} sustained, bursts up to one second's worth
 * (at least one request). {@link #tryAcquire} answers 0 when the request may go, else the whole
 * seconds to wait, for the Retry-After header.
 */
public final class RateLimiter {
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final LongSupplier nanoTime;

    public RateLimiter() {
        this(System::nanoTime);
    }

    RateLimiter(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    private static final class Bucket {
        double tokens;
        long updated;
    }

    public long tryAcquire(ApiClient client) {
        double rate = client.requestsPerSecond();
        double capacity = Math.max(1, rate);
        Bucket b = buckets.computeIfAbsent(client.name(), k -> {
            Bucket n = new Bucket();
            n.tokens = capacity;
            n.updated = nanoTime.getAsLong();
            return n;
        });
        synchronized (b) {
            long now = nanoTime.getAsLong();
            b.tokens = Math.min(capacity, b.tokens + (now - b.updated) / 1e9 * rate);
            b.updated = now;
            if (b.tokens >= 1) {
                b.tokens -= 1;
                return 0;
            }
            return (long) Math.ceil((1 - b.tokens) / rate);
        }
    }
}
