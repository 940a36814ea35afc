package io.bulwark.redis.ratelimit;

import io.bulwark.ratelimit.Algorithm;
import io.bulwark.ratelimit.RateLimitConfig;
import io.bulwark.redis.RedisConnections;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntPredicate;

/**
 * The second JVM of {@link TwoProcessesShareOneLimitTest}: connects, prints {@code ready}, waits
 * for {@code go} on stdin, makes one request and prints {@code first}, then runs {@code threads} threads making {@code attempts} requests each on
 * one key, and prints {@code admitted=N}.
 *
 * <p>Arguments: uri limiter key limits algorithm threads attempts.
 */
public final class LimiterWorkerMain {

    private LimiterWorkerMain() {
    }

    public static void main(String[] args) throws Exception {
        String uri = args[0];
        RateLimitConfig config = RateLimitConfig.builder(args[1]).limits(args[3], Algorithm.parse(args[4])).build();
        String key = args[2];
        int threads = Integer.parseInt(args[5]);
        int attempts = Integer.parseInt(args[6]);
        try (RedisConnections redis = RedisConnections.builder().uri(uri).commandTimeout(Duration.ofSeconds(5)).build()) {
            RedisRateLimiter limiter = RedisRateLimiter.builder(config, redis)
                    .clock(InstantSource.system()).ticker(System::nanoTime).build();
            limiter.usage(key); // connect and load the script before the start line
            System.out.println("ready");
            System.out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            if (!"go".equals(in.readLine())) {
                throw new IllegalStateException("expected 'go' on stdin");
            }
            // One request before the race, reported at once: the test's JVM (warm, already running) starts its
            // own threads only then, so this cold JVM takes part whatever the two JVMs' speeds.
            long first = limiter.tryAcquire(key).allowed() ? 1 : 0;
            System.out.println("first");
            System.out.flush();
            System.out.println("admitted=" + (first + run(limiter, key, threads, i -> i < attempts)));
            System.out.println("degraded=" + limiter.state().degraded());
        }
    }

    /**
     * Runs {@code threads} threads, each requesting while {@code more} holds for its request
     * count so far; returns how many requests were admitted. Shared with the tests' own JVM.
     */
    static long run(RedisRateLimiter limiter, String key, int threads, IntPredicate more) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Long>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                results.add(pool.submit(() -> {
                    long admitted = 0;
                    for (int i = 0; more.test(i); i++) {
                        if (limiter.tryAcquire(key).allowed()) {
                            admitted++;
                        }
                    }
                    return admitted;
                }));
            }
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
