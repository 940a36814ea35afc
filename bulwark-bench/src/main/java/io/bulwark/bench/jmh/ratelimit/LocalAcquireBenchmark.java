package io.bulwark.bench.jmh.ratelimit;

import io.bulwark.ratelimit.CoarseTicker;
import io.bulwark.ratelimit.Limit;
import io.bulwark.ratelimit.LocalRateLimiter;
import io.bulwark.ratelimit.RateLimitConfig;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * One local acquire, on 1 and 2 threads, for Bulwark's {@link LocalRateLimiter} and its peers
 * Bucket4j ({@code Bucket.tryConsume}) and Resilience4j ({@code RateLimiter.acquirePermission}
 * with a zero timeout), all under the same limit: a token bucket of 1,000,000,000 per second,
 * so every call takes the admitting path that a healthy service mostly sees. All three read
 * {@code System.nanoTime} (Bucket4j's default is the millisecond clock; it is switched to
 * nanoseconds so that the clock is not what differs).
 *
 * <p>Bulwark's call does more than the peers': it looks the key up in its bounded key table
 * (the peers are one bucket each, keyed by nothing) and returns a full {@code Decision}
 * (remaining, reset, the limit that is closest) where the peers return a boolean. The
 * {@code ...Keyed} variants give the peers the same job: one limiter per key, found in a
 * {@code ConcurrentHashMap}, which is how per-client limits are built on them.
 *
 * <p>Bulwark's rows, by call and clock:
 * <ul>
 *   <li>{@code bulwark1/2}: {@code tryAcquire(key)}, a full {@code Decision}, on {@code System::nanoTime};
 *   <li>{@code bulwarkCoarse1/2}: the same call on {@link CoarseTicker#system()};
 *   <li>{@code bulwarkPermitNano1/2}: {@code tryAcquirePermit(key)}, a boolean like the peers', on
 *       {@code System::nanoTime};
 *   <li>{@code bulwarkPermit1/2}: {@code tryAcquirePermit(key)} on {@link CoarseTicker#system()}, the
 *       call and clock a service that needs no {@code X-RateLimit-*} headers would use.
 * </ul>
 * The peers keep their own clocks ({@code System.nanoTime}); Bucket4j could be given a coarse one
 * through a custom {@code TimeMeter}, Resilience4j's {@code AtomicRateLimiter} cannot.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class LocalAcquireBenchmark {

    private static final long PERMITS = 1_000_000_000L;

    private LocalRateLimiter bulwark;
    private LocalRateLimiter bulwarkCoarse;
    private Bucket bucket4j;
    private RateLimiter resilience4j;
    private final java.util.concurrent.ConcurrentHashMap<String, Bucket> bucket4jByKey = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.concurrent.ConcurrentHashMap<String, RateLimiter> resilience4jByKey = new java.util.concurrent.ConcurrentHashMap<>();

    @Setup
    public void create() {
        RateLimitConfig config = RateLimitConfig.of("bench", Limit.of(PERMITS, Duration.ofSeconds(1)));
        bulwark = LocalRateLimiter.of(config, System::nanoTime);
        bulwarkCoarse = LocalRateLimiter.of(config, CoarseTicker.system());
        bucket4j = Bucket.builder()
                .addLimit(Bandwidth.builder().capacity(PERMITS).refillGreedy(PERMITS, Duration.ofSeconds(1)).build())
                .withNanosecondPrecision() // the same clock as the others: System.nanoTime
                .build();
        resilience4j = RateLimiter.of("bench", RateLimiterConfig.custom()
                .limitForPeriod((int) PERMITS).limitRefreshPeriod(Duration.ofSeconds(1)).timeoutDuration(Duration.ZERO).build());
        bucket4jByKey.put("key", bucket4j);
        resilience4jByKey.put("key", resilience4j);
        if (!bulwark.tryAcquire("key").allowed() || !bulwarkCoarse.tryAcquirePermit("key") || !bucket4j.tryConsume(1) || !resilience4j.acquirePermission()) {
            throw new IllegalStateException("setup is wrong: every limiter must admit");
        }
    }

    @Benchmark
    @Threads(1)
    public boolean bulwark1() {
        return bulwark.tryAcquire("key").allowed();
    }

    @Benchmark
    @Threads(2)
    public boolean bulwark2() {
        return bulwark.tryAcquire("key").allowed();
    }

    @Benchmark
    @Threads(1)
    public boolean bulwarkCoarse1() {
        return bulwarkCoarse.tryAcquire("key").allowed();
    }

    @Benchmark
    @Threads(2)
    public boolean bulwarkCoarse2() {
        return bulwarkCoarse.tryAcquire("key").allowed();
    }

    @Benchmark
    @Threads(1)
    public boolean bulwarkPermitNano1() {
        return bulwark.tryAcquirePermit("key");
    }

    @Benchmark
    @Threads(2)
    public boolean bulwarkPermitNano2() {
        return bulwark.tryAcquirePermit("key");
    }

    @Benchmark
    @Threads(1)
    public boolean bulwarkPermit1() {
        return bulwarkCoarse.tryAcquirePermit("key");
    }

    @Benchmark
    @Threads(2)
    public boolean bulwarkPermit2() {
        return bulwarkCoarse.tryAcquirePermit("key");
    }

    @Benchmark
    @Threads(1)
    public boolean bucket4j1() {
        return bucket4j.tryConsume(1);
    }

    @Benchmark
    @Threads(2)
    public boolean bucket4j2() {
        return bucket4j.tryConsume(1);
    }

    @Benchmark
    @Threads(1)
    public boolean resilience4j1() {
        return resilience4j.acquirePermission();
    }

    @Benchmark
    @Threads(2)
    public boolean resilience4j2() {
        return resilience4j.acquirePermission();
    }

    @Benchmark
    @Threads(1)
    public boolean bucket4jKeyed1() {
        return bucket4jByKey.get("key").tryConsume(1);
    }

    @Benchmark
    @Threads(2)
    public boolean bucket4jKeyed2() {
        return bucket4jByKey.get("key").tryConsume(1);
    }

    @Benchmark
    @Threads(1)
    public boolean resilience4jKeyed1() {
        return resilience4jByKey.get("key").acquirePermission();
    }

    @Benchmark
    @Threads(2)
    public boolean resilience4jKeyed2() {
        return resilience4jByKey.get("key").acquirePermission();
    }
}
