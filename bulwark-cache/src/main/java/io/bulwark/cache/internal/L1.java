package io.bulwark.cache.internal;

import com.github.benmanes.caffeine.cache.AsyncCacheLoader;
import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import com.github.benmanes.caffeine.cache.stats.CacheStats;
import com.github.benmanes.caffeine.cache.stats.ConcurrentStatsCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;

/**
 * The L1: a Caffeine {@link AsyncLoadingCache} of entries by encoded key.
 *
 * <p>Design notes. Loads run on the caller's thread, not on an executor: {@link #get} offers
 * Caffeine a future of its own and completes it itself when Caffeine took it, so concurrent
 * callers of one key join that one future (Caffeine's coalescing) while the loader runs where the
 * first caller is. The futures map holds loads in flight too, so an invalidation that arrives
 * during a load removes the future and its value is not kept. Each entry expires at its own
 * {@code expiresAtMillis} (a variable {@link Expiry}), which for an entry read from the L2 is the
 * L2's expiry, not a full ttl from now. Refresh (refresh-after-write and early refresh) is
 * Caffeine's: it calls {@link AsyncCacheLoader#asyncReload} on the executor, one refresh per key
 * at a time, and drops the result if the entry changed meanwhile.
 */
final class L1<V> {

    private final AsyncLoadingCache<String, Entry<V>> cache;
    private final InstantSource clock;
    /** Caffeine's own counter, held here so that the hit path that bypasses Caffeine's get still counts. */
    private final ConcurrentStatsCounter counter = new ConcurrentStatsCounter();
    /**
     * Keys that expired lately, with the life their entry had: a miss of one of them is a read a longer
     * ttl would have served, and how late it came says how much longer (the tuner's ttl advice). As many
     * as the L1 holds entries, at most {@link #EXPIRED_KEYS}; touched only by expiry and misses.
     */
    private final com.github.benmanes.caffeine.cache.Cache<String, long[]> expired;
    private final CacheMeters meters;
    static final long EXPIRED_KEYS = 100_000;

    L1(long maximumSize, long maximumWeight, ToIntFunction<? super V> weigher, Duration refreshAfter, Ticker ticker,
       InstantSource clock, Executor executor, BiFunction<String, Entry<V>, Entry<V>> reload, CacheMeters meters) {
        this.clock = clock;
        this.meters = meters;
        this.expired = Caffeine.newBuilder().executor(Runnable::run)
                .maximumSize(Math.min(EXPIRED_KEYS, weigher != null ? EXPIRED_KEYS : Math.max(1, maximumSize))).build();
        Caffeine<Object, Object> b = Caffeine.newBuilder().ticker(ticker).executor(executor).recordStats(() -> counter);
        Caffeine<String, Entry<V>> typed = b.<String, Entry<V>>evictionListener((k, v, cause) -> {
                    meters.l1Evicted(cause);
                    if (cause == com.github.benmanes.caffeine.cache.RemovalCause.EXPIRED && v != null) {
                        expired.put(k, new long[] {v.writtenAtMillis(), v.expiresAtMillis()});
                    }
                })
                .expireAfter(new Expiry<String, Entry<V>>() {
                    @Override
                    public long expireAfterCreate(String key, Entry<V> e, long currentTime) {
                        return nanosUntil(e.expiresAtMillis());
                    }

                    @Override
                    public long expireAfterUpdate(String key, Entry<V> e, long currentTime, long currentDuration) {
                        return nanosUntil(e.expiresAtMillis());
                    }

                    @Override
                    public long expireAfterRead(String key, Entry<V> e, long currentTime, long currentDuration) {
                        return currentDuration;
                    }
                });
        if (weigher != null) {
            typed.maximumWeight(maximumWeight).weigher((String k, Entry<V> e) -> weigher.applyAsInt(e.value()));
        } else {
            typed.maximumSize(maximumSize);
        }
        if (refreshAfter != null) {
            typed.refreshAfterWrite(refreshAfter);
        }
        this.cache = typed.buildAsync(new AsyncCacheLoader<>() {
            @Override
            public CompletableFuture<? extends Entry<V>> asyncLoad(String key, Executor ex) {
                return CompletableFuture.completedFuture(null); // loads only go through get(key, load)
            }

            @Override
            public CompletableFuture<? extends Entry<V>> asyncReload(String key, Entry<V> old, Executor ex) {
                return CompletableFuture.supplyAsync(() -> reload.apply(key, old), ex);
            }
        });
    }

    /**
     * The entry of {@code key} when it is loaded and unexpired, counted as a hit; null otherwise,
     * counting nothing (the caller goes on to {@link #get}, which counts the miss or the hit).
     * The hit path allocates nothing: the map view's read does not record statistics, so the hit
     * is recorded here, once.
     */
    Entry<V> getLoaded(String key) {
        CompletableFuture<Entry<V>> f = cache.asMap().get(key);
        if (f == null || !f.isDone() || f.isCompletedExceptionally()) {
            return null;
        }
        Entry<V> e = f.getNow(null);
        if (e != null) {
            counter.recordHits(1);
        }
        return e;
    }

    /** The entry of {@code key}, loaded on this thread by {@code load} on a miss; null when it loaded null. */
    Entry<V> get(String key, Supplier<Entry<V>> load) {
        CompletableFuture<Entry<V>> mine = new CompletableFuture<>();
        CompletableFuture<Entry<V>> f = cache.get(key, (k, ex) -> mine);
        if (f == mine) {
            long[] life = expired.asMap().remove(key);
            if (life != null) {
                meters.rereadAfterExpiry(life[1] - life[0], clock.millis() - life[0]);
            }
            try {
                mine.complete(load.get());
            } catch (Throwable t) {
                mine.completeExceptionally(t);
            }
        }
        return join(f);
    }

    /** The entry of {@code key} if it is loaded, without loading. */
    Entry<V> getIfPresent(String key) {
        CompletableFuture<Entry<V>> f = cache.getIfPresent(key);
        return f != null && f.isDone() && !f.isCompletedExceptionally() ? f.join() : null;
    }

    /** The entries of {@code keys}; the missing ones loaded together, on this thread, by {@code load}. */
    Map<String, Entry<V>> getAll(Set<String> keys, Function<Set<String>, Map<String, Entry<V>>> load) {
        return join(cache.getAll(keys, (missing, ex) -> {
            try {
                return CompletableFuture.completedFuture(load.apply(Set.copyOf(missing)));
            } catch (Throwable t) {
                return CompletableFuture.failedFuture(t);
            }
        }));
    }

    void put(String key, Entry<V> e) {
        cache.put(key, CompletableFuture.completedFuture(e));
    }

    void invalidate(String key) {
        cache.asMap().remove(key);
    }

    /** Removes the entries tagged {@code tag}, and every load in flight (its entry may turn out tagged). */
    void invalidateTag(String tag) {
        cache.asMap().entrySet().removeIf(m -> {
            CompletableFuture<Entry<V>> f = m.getValue();
            if (!f.isDone()) {
                return true;
            }
            Entry<V> e = f.isCompletedExceptionally() ? null : f.getNow(null);
            return e != null && e.tags().contains(tag);
        });
    }

    void invalidateAll() {
        cache.asMap().clear();
    }

    /** Starts a refresh of {@code key} unless one runs. */
    void refresh(String key) {
        if (!cache.synchronous().policy().refreshes().containsKey(key)) {
            cache.synchronous().refresh(key);
        }
    }

    CacheStats stats() {
        return cache.synchronous().stats();
    }

    long size() {
        return cache.synchronous().estimatedSize();
    }

    void bind(MeterRegistry registry, String name) {
        CaffeineCacheMetrics.monitor(registry, cache, name, "level", "l1");
    }

    private long nanosUntil(long expiresAtMillis) {
        long millis = Math.max(0, expiresAtMillis - clock.millis());
        return TimeUnit.MILLISECONDS.toNanos(millis);
    }

    static <T> T join(CompletableFuture<T> f) {
        try {
            return f.join();
        } catch (CompletionException e) {
            throw unwrap(e);
        }
    }

    static RuntimeException unwrap(CompletionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof RuntimeException r) {
            return r;
        }
        if (cause instanceof Error err) {
            throw err;
        }
        return e;
    }
}
