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
    @EnumSource(Algorithm.class)
    void manyThreadsOnOneKeyAtOneInstantTakeExactlyTheCapacityInPermits(Algorithm algorithm) throws Exception {
        Limit limit = Limit.of(algorithm, 1_000, Duration.ofHours(1));
        LocalRateLimiter limiter = LocalRateLimiter.of(RateLimitConfig.of("hot", limit), () -> 0L);
        // pacing included: the permit path queues nothing
        assertThat(race(() -> limiter.tryAcquirePermit("one-key"))).isEqualTo(1_000);
    }

    @ParameterizedTest
    @EnumSource(value = Algorithm.class, names = {"TOKEN_BUCKET", "LEAKY_BUCKET", "SLIDING_LOG"})
    void manyThreadsAskingForPermitsWithAMovingClockStayWithinThePromise(Algorithm algorithm) throws Exception {
        Limit limit = Limit.of(algorithm, 500, Duration.ofMillis(10));
        AtomicLong ticker = new AtomicLong();
        LocalRateLimiter limiter = LocalRateLimiter.of(RateLimitConfig.of("hot", limit), () -> ticker.addAndGet(100));
        long admitted = race(() -> limiter.tryAcquirePermit("one-key"));
        long promise = limit.burst() + limit.permits() * ticker.get() / limit.windowNanos();
        assertThat(admitted).isPositive().isLessThanOrEqualTo(promise);
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

    @org.junit.jupiter.api.Test
    void evictionRacingWithAdmissionsNeverLosesOne() throws Exception {
        // frozen time, 1 per hour per key: each key admits exactly once, unless an admission is
        // lost to a cell that eviction removed (then the key would admit a second time)
        LocalRateLimiter limiter = LocalRateLimiter.of(RateLimitConfig.of("evict", Limit.parse("1/1h")), () -> 0L);
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        Thread evictor = Thread.ofPlatform().start(() -> {
            while (!done.get()) {
                limiter.evictIdle(); // fresh, never-admitted cells are "replenished" and go
            }
        });
        // every key is asked twice in a row by different threads: many fresh cells for the evictor
        int keys = THREADS * ATTEMPTS / 2;
        try {
            long admitted = race(new java.util.function.BooleanSupplier() {
                private final AtomicLong next = new AtomicLong();

                @Override
                public boolean getAsBoolean() {
                    return limiter.tryAcquire("k" + next.getAndIncrement() / 2).allowed();
                }
            });
            done.set(true);
            evictor.join();
            assertThat(admitted).isEqualTo(keys);
            // and every admission is still on record: an admission written into a cell that was
            // already out of the map would let its key in once more
            long again = 0;
            for (int k = 0; k < keys; k++) {
                again += limiter.tryAcquire("k" + k).allowed() ? 1 : 0;
            }
            assertThat(again).isZero();
        } finally {
            done.set(true);
            evictor.join();
        }
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
