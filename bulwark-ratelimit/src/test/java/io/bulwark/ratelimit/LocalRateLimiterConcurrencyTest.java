package io.bulwark.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Many threads on one key: the CAS loop never admits more than the limit promises. */
class LocalRateLimiterConcurrencyTest {

    private static final int THREADS = 8;
    private static final int ATTEMPTS = 20_000;

    @ParameterizedTest
    @EnumSource(Algorithm.class)
    void manyThreadsOnOneKeyAtOneInstantAdmitExactlyTheCapacity(Algorithm algorithm) throws Exception {
        Limit limit = Limit.of(algorithm, 1_000, Duration.ofHours(1));
        LocalRateLimiter limiter = LocalRateLimiter.of(RateLimitConfig.of("hot", limit), () -> 0L);
        long admitted = race(() -> limiter.tryAcquire("one-key").allowed());
        // pacing also queues up to maxDelay (one window = 1000 more) at one instant
        assertThat(admitted).isEqualTo(algorithm.paces() ? 2_000 : 1_000);
    }

    @ParameterizedTest
    @EnumSource(value = Algorithm.class, names = {"TOKEN_BUCKET", "LEAKY_BUCKET", "SLIDING_LOG"})
    void manyThreadsWithAMovingClockStayWithinThePromise(Algorithm algorithm) throws Exception {
        Limit limit = Limit.of(algorithm, 500, Duration.ofMillis(10));
        // every read moves time 100ns: the race spans many windows and many refills
        AtomicLong ticker = new AtomicLong();
        LocalRateLimiter limiter = LocalRateLimiter.of(RateLimitConfig.of("hot", limit), () -> ticker.addAndGet(100));
        long admitted = race(() -> limiter.tryAcquire("one-key").allowed());
        long elapsed = ticker.get();
        // burst + permits * elapsed / window, the token-bucket promise; the sliding log's is tighter
        long promise = limit.burst() + limit.permits() * elapsed / limit.windowNanos();
        assertThat(admitted).isPositive().isLessThanOrEqualTo(promise);
    }

    private static long race(java.util.function.BooleanSupplier attempt) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Long>> results = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                results.add(pool.submit(() -> {
                    start.await();
                    long ok = 0;
                    for (int i = 0; i < ATTEMPTS; i++) {
                        if (attempt.getAsBoolean()) {
                            ok++;
                        }
                    }
                    return ok;
                }));
            }
            start.countDown();
            long total = 0;
            for (Future<Long> f : results) {
                total += f.get();
            }
            return total;
        } finally {
            pool.shutdownNow();
        }
    }
}
