package io.bulwark.cache.internal;

import com.github.benmanes.caffeine.cache.AsyncCacheLoader;
import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Caffeine;
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
 * during a load removes the future and its value is not kept. Refresh (refresh-after-write and
 * early refresh) is Caffeine's: it calls {@link AsyncCacheLoader#asyncReload} on the executor, one
 * refresh per key at a time, and drops the result if the entry changed meanwhile.
 *
 * <p>Expiry is this class's, not Caffeine's. Each entry expires at its own {@code expiresAtMillis}
 * (for an entry read from the L2, the L2's expiry; for a {@code put} with a ttl, that ttl), and
 * every read compares it with the clock: an expired entry is removed there and the read is a miss.
 * Caffeine's variable expiry would do the same but reorders its timer wheel on every read, which
 * doubled the cost of a hit (decisions.md, "The L1 checks expiry itself"). Entries that expire and
 * are not read again are removed by a sweep at most every {@link #sweepEveryMillis}, started by a
 * write on the executor; until then they count in the size and may be evicted by it.
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
    private final Executor executor;
    private final ToIntFunction<? super V> weigher;
    /** How often at most a write starts a sweep of expired entries: half the ttl, within 1 s and 1 min. */
    private final long sweepEveryMillis;
    private final java.util.concurrent.atomic.AtomicLong lastSweep = new java.util.concurrent.atomic.AtomicLong();
    static final long EXPIRED_KEYS = 100_000;

    L1(long maximumSize, long maximumWeight, ToIntFunction<? super V> weigher, Duration ttl, Duration refreshAfter,
       Ticker ticker, InstantSource clock, Executor executor, BiFunction<String, Entry<V>, Entry<V>> reload,
       CacheMeters meters) {
        this.clock = clock;
        this.meters = meters;
        this.executor = executor;
        this.weigher = weigher;
        this.sweepEveryMillis = Math.clamp(ttl.toMillis() / 2, 1_000L, 60_000L);
        this.lastSweep.set(clock.millis());
        this.expired = Caffeine.newBuilder().executor(Runnable::run)
                .maximumSize(Math.min(EXPIRED_KEYS, weigher != null ? EXPIRED_KEYS : Math.max(1, maximumSize))).build();
        Caffeine<Object, Object> b = Caffeine.newBuilder().ticker(ticker).executor(executor).recordStats(() -> counter);
        Caffeine<String, Entry<V>> typed = b.<String, Entry<V>>evictionListener((k, v, cause) -> meters.l1Evicted(cause));
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
     * The entry of {@code key} when it is loaded and unexpired at {@code nowMillis} (the clock), counted as a hit; null otherwise,
     * counting nothing (the caller goes on to {@link #get}, which counts the miss or the hit).
     * The hit path allocates nothing: the map view's read does not record statistics, so the hit
     * is recorded here, once.
     */
    Entry<V> getLoaded(String key, long nowMillis) {
        CompletableFuture<Entry<V>> f = cache.asMap().get(key);
        if (f == null || !f.isDone() || f.isCompletedExceptionally()) {
            return null;
        }
        Entry<V> e = f.getNow(null);
        if (e == null) {
            return null;
        }
        if (e.expiresAtMillis() <= nowMillis) {
            expire(key, f, e);
            return null;
        }
        counter.recordHits(1);
        return e;
    }

    /** The entry of {@code key}, loaded on this thread by {@code load} on a miss; null when it loaded null. */
    Entry<V> get(String key, Supplier<Entry<V>> load) {
        CompletableFuture<Entry<V>> mine = new CompletableFuture<>();
        CompletableFuture<Entry<V>> f = cache.get(key, (k, ex) -> mine);
        while (f != mine && expired(key, f)) {
            f = cache.get(key, (k, ex) -> mine); // the expired entry is gone: load, or join a load begun meanwhile
        }
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
            maybeSweep();
        }
        return join(f);
    }

    /** The entry of {@code key} if it is loaded, without loading. */
    Entry<V> getIfPresent(String key) {
        CompletableFuture<Entry<V>> f = cache.getIfPresent(key);
        return f != null && f.isDone() && !f.isCompletedExceptionally() && !expired(key, f) ? f.join() : null;
    }

    /** The entries of {@code keys}; the missing ones loaded together, on this thread, by {@code load}. */
    Map<String, Entry<V>> getAll(Set<String> keys, Function<Set<String>, Map<String, Entry<V>>> load) {
        boolean loads = false;
        for (String key : keys) {
            CompletableFuture<Entry<V>> f = cache.asMap().get(key);
            if (f == null || expired(key, f)) {
                loads = true;
            }
        }
        if (loads) {
            maybeSweep();
        }
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
        maybeSweep();
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

    /** True when {@code f} holds an entry that has expired, which is then removed (a load in flight has not). */
    private boolean expired(String key, CompletableFuture<Entry<V>> f) {
        if (!f.isDone() || f.isCompletedExceptionally()) {
            return false;
        }
        Entry<V> e = f.getNow(null);
        if (e == null || e.expiresAtMillis() > clock.millis()) {
            return false;
        }
        expire(key, f, e);
        return true;
    }

    /** Removes the expired entry {@code e} of {@code key} unless it changed meanwhile, counting it as an expiry. */
    private void expire(String key, CompletableFuture<Entry<V>> f, Entry<V> e) {
        if (cache.asMap().remove(key, f)) {
            counter.recordEviction(weigher == null ? 1 : weigher.applyAsInt(e.value()),
                    com.github.benmanes.caffeine.cache.RemovalCause.EXPIRED);
            meters.l1Evicted(com.github.benmanes.caffeine.cache.RemovalCause.EXPIRED);
            expired.put(key, new long[] {e.writtenAtMillis(), e.expiresAtMillis()});
        }
    }

    /** Starts a sweep of expired entries on the executor when the last one is {@link #sweepEveryMillis} old. */
    private void maybeSweep() {
        long now = clock.millis();
        long last = lastSweep.get();
        if (now - last >= sweepEveryMillis && lastSweep.compareAndSet(last, now)) {
            try {
                executor.execute(this::sweep);
            } catch (java.util.concurrent.RejectedExecutionException ignored) {
                // the executor is shutting down with the cache: nothing to sweep for
            }
        }
    }

    /** Removes every entry that has expired. */
    void sweep() {
        long now = clock.millis();
        cache.asMap().forEach((key, f) -> {
            if (f.isDone() && !f.isCompletedExceptionally()) {
                Entry<V> e = f.getNow(null);
                if (e != null && e.expiresAtMillis() <= now) {
                    expire(key, f, e);
                }
            }
        });
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
