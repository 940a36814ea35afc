package io.bulwark.bench.cache;

import io.bulwark.cache.Cache;
import io.bulwark.cache.CacheStats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import org.apache.commons.math3.distribution.ZipfDistribution;
import org.apache.commons.math3.random.Well19937c;

/**
 * Reads a cache with keys drawn from a Zipf distribution, as many threads as asked, each read a
 * {@code get(key, loader)} whose loader costs a fixed time (a park, so the cost is time, not CPU).
 * The figures are the differences of the cache's own stats over the measured reads.
 */
final class ZipfReads {

    /**
     * What one measured run saw.
     *
     * @param reads gets in the measured part
     * @param seconds how long they took
     * @param l1 the L1's hits and misses over them, if the cache has an L1
     * @param l2 the L2's, if it has an L2
     * @param loads loader calls over them
     */
    record Result(long reads, double seconds, Counts l1, Counts l2, long loads) {

        /** Reads served without the loader. */
        double hitRatio() {
            return reads == 0 ? 0 : 1.0 - (double) loads / reads;
        }

        double readsPerSecond() {
            return reads / seconds;
        }

        double loadsPerSecond() {
            return loads / seconds;
        }
    }

    /** Hits and misses of one level. */
    record Counts(long hits, long misses) {
        double ratio() {
            long n = hits + misses;
            return n == 0 ? 0 : (double) hits / n;
        }
    }

    private final int keys;
    private final double exponent;
    private final int threads;
    private final Duration loaderCost;

    ZipfReads(int keys, double exponent, int threads, Duration loaderCost) {
        this.keys = keys;
        this.exponent = exponent;
        this.threads = threads;
        this.loaderCost = loaderCost;
    }

    /** Runs {@code warmup} reads, then measures {@code reads} more. */
    Result run(Cache<String, String> cache, long warmup, long reads, long seed) throws InterruptedException {
        AtomicLong loaderCalls = new AtomicLong();
        long cost = loaderCost.toNanos();
        Function<String, String> loader = k -> {
            loaderCalls.incrementAndGet();
            if (cost > 0) {
                LockSupport.parkNanos(cost);
            }
            return "value-of-" + k;
        };
        read(cache, loader, warmup, seed);
        CacheStats before = cache.stats();
        long loadsBefore = loaderCalls.get();
        long start = System.nanoTime();
        read(cache, loader, reads, seed + 1_000);
        double seconds = (System.nanoTime() - start) / 1e9;
        CacheStats after = cache.stats();
        return new Result(reads, seconds, counts(before.l1(), after.l1()), counts(before.l2(), after.l2()),
                loaderCalls.get() - loadsBefore);
    }

    private static Counts counts(java.util.Optional<CacheStats.Level> before, java.util.Optional<CacheStats.Level> after) {
        if (after.isEmpty()) {
            return null;
        }
        return new Counts(after.get().hits() - before.get().hits(), after.get().misses() - before.get().misses());
    }

    private void read(Cache<String, String> cache, Function<String, String> loader, long total, long seed)
            throws InterruptedException {
        if (total <= 0) {
            return;
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                long share = total / threads + (t < total % threads ? 1 : 0);
                ZipfDistribution zipf = new ZipfDistribution(new Well19937c(seed * 31 + t), keys, exponent);
                done.add(pool.submit(() -> {
                    for (long i = 0; i < share; i++) {
                        cache.get("k" + zipf.sample(), loader);
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("a reader failed: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }
}
