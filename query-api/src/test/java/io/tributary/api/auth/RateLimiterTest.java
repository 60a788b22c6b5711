package io.tributary.api.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateLimiterTest {
    @Test
    void allowsOneSecondOfBurstThenAsksToWait() {
        AtomicLong now = new AtomicLong();
        RateLimiter limiter = new RateLimiter(now::get);
        ApiClient client = new ApiClient("c", ApiClients.sha256("t"), false, List.of("*"), Map.of(), 5);
        for (int i = 0; i < 5; i++) {
            assertThat(limiter.tryAcquire(client)).isZero();
        }
        assertThat(limiter.tryAcquire(client)).isEqualTo(1);
        now.addAndGet(200_000_000L); // 0.2 s refills one request at 5/s
        assertThat(limiter.tryAcquire(client)).isZero();
        assertThat(limiter.tryAcquire(client)).isEqualTo(1);
        ApiClient slow = new ApiClient("slow", ApiClients.sha256("s"), false, List.of("*"), Map.of(), 0.1);
        assertThat(limiter.tryAcquire(slow)).isZero();
        assertThat(limiter.tryAcquire(slow)).isEqualTo(10);
    }
}
