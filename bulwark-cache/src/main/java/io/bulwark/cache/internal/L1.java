package io.bulwark.cache.internal;

import com.github.benmanes.caffeine.cache.CacheLoader;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.Ticker;
import com.github.benmanes.caffeine.cache.stats.CacheStats;
import com.github.benmanes.caffeine.cache.stats.ConcurrentStatsCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import java.time.Duration;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;

/**
 * The L1: a synchronous Caffeine cache of entries by encoded key, with loads coalesced beside it.
 *
 * <p>Design notes. The values are the entries themselves, not futures of them, so a hit is one
 * lookup in Caffeine's map, the expiry check and the hit count (decisions.md, "A synchronous L1").
 * Loads run on the caller's thread and are coalesced by {@link InFlight}, a map of the loads in
 * flight beside Caffeine's: the first caller of a missing key registers a future and loads, the
 * others join it, and the loaded entry is stored in Caffeine inside the in-flight map's atomic step
 * for the key, only while the load is still registered. An invalidation (or a put) first drops the
 * key's registration, then the key, so a value loaded before it is never kept. Statistics are
 * counted here, in Caffeine's own counter (so Micrometer's Caffeine binder reads them): a hit, a
 * miss (the caller that loads) and a caller that joins a load in flight (a hit, as Caffeine counts
 * it); Caffeine counts evictions. Refresh (refresh-after-write and early refresh) is Caffeine's:
 * it calls {@link CacheLoader#asyncReload} on the executor, one refresh per key at a time, and drops
 * the result if the entry changed or went meanwhile.
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

    private final LoadingCache<String, Entry<V>> cache;
    /** Caffeine's map view: its reads record no statistics (they are counted here, once) but feed the eviction policy. */
    private final ConcurrentMap<String, Entry<V>> map;
    private final InFlight<V> loading = new InFlight<>();
    private final InstantSource clock;
    private final Ticker ticker;
    /** Caffeine's own counter, given to Caffeine so that it counts evictions and refreshes, and its binder reads it all. */
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
    private final AtomicLong lastSweep = new AtomicLong();
    static final long EXPIRED_KEYS = 100_000;

    L1(long maximumSize, long maximumWeight, ToIntFunction<? super V> weigher, Duration ttl, Duration refreshAfter,
       Ticker ticker, InstantSource clock, Executor executor, BiFunction<String, Entry<V>, Entry<V>> reload,
       CacheMeters meters) {
        this.clock = clock;
        this.ticker = ticker;
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
        this.cache = typed.build(new CacheLoader<>() {
            @Override
            public Entry<V> load(String key) {
                return null; // loads only go through get(key, load); a LoadingCache is what Caffeine refreshes
            }

            @Override
            public CompletableFuture<? extends Entry<V>> asyncLoad(String key, Executor ex) {
                return CompletableFuture.completedFuture(null);
            }

            @Override
            public CompletableFuture<? extends Entry<V>> asyncReload(String key, Entry<V> old, Executor ex) {
                return CompletableFuture.supplyAsync(() -> reload.apply(key, old), ex);
            }
        });
        this.map = cache.asMap();
    }

    /**
     * The entry of {@code key} when it is held and unexpired at {@code nowMillis} (the clock), counted as a hit; null otherwise,
     * counting nothing (the caller goes on to {@link #get}, which counts the miss or the hit).
     * The hit path allocates nothing and counts the hit once.
     */
    Entry<V> getLoaded(String key, long nowMillis) {
        Entry<V> e = map.get(key);
        if (e == null) {
            return null;
        }
        if (e.expiresAtMillis() <= nowMillis) {
            expire(key, e);
            return null;
        }
        counter.recordHits(1);
        return e;
    }

    /**
     * The entry of {@code key}, after {@link #getLoaded} missed it: loaded on this thread by {@code load},
     * or by the load of it in flight, which this call joins; null when the load gave null.
     */
    Entry<V> get(String key, Supplier<Entry<V>> load) {
        CompletableFuture<Entry<V>> other = loading.get(key);
        if (other == null) {
            CompletableFuture<Entry<V>> mine = new CompletableFuture<>();
            other = loading.begin(key, mine);
            if (other == null) {
                return loadAs(key, mine, load);
            }
        }
        counter.recordHits(1); // served by a load in flight, as Caffeine counts a caller that joins one
        return InFlight.join(other);
    }

    /** The entry of {@code key} if it is held and unexpired, without loading; a hit or a miss. */
    Entry<V> getIfPresent(String key) {
        Entry<V> e = getLoaded(key, clock.millis());
        if (e == null) {
            counter.recordMisses(1);
        }
        return e;
    }

    /**
     * The entries of {@code keys}: those held, those loading in flight (joined), and the others
     * loaded together, on this thread, by one call of {@code load}, which other callers of those keys
     * join meanwhile.
     */
    Map<String, Entry<V>> getAll(Set<String> keys, Function<Set<String>, Map<String, Entry<V>>> load) {
        Map<String, Entry<V>> out = new HashMap<>();
        Map<String, CompletableFuture<Entry<V>>> mine = new LinkedHashMap<>();
        Map<String, CompletableFuture<Entry<V>>> joined = new HashMap<>();
        long now = clock.millis();
        for (String key : keys) {
            Entry<V> e = getLoaded(key, now);
            if (e != null) {
                out.put(key, e);
                continue;
            }
            CompletableFuture<Entry<V>> f = new CompletableFuture<>();
            CompletableFuture<Entry<V>> other = loading.begin(key, f);
            if (other != null) {
                counter.recordHits(1);
                joined.put(key, other);
                continue;
            }
            e = getLoaded(key, now); // a load that ended after the read above stored its entry and left
            if (e != null) {
                loading.end(key, f, e, (k, x) -> { });
                out.put(key, e);
                continue;
            }
            counter.recordMisses(1);
            rereadIfExpiredLately(key);
            mine.put(key, f);
        }
        if (!mine.isEmpty()) {
            maybeSweep();
            long start = ticker.read();
            Map<String, Entry<V>> loaded;
            try {
                loaded = load.apply(Set.copyOf(mine.keySet()));
            } catch (Throwable t) {
                counter.recordLoadFailure(ticker.read() - start);
                mine.forEach((k, f) -> loading.fail(k, f, t));
                throw t;
            }
            counter.recordLoadSuccess(ticker.read() - start); // one load, as Caffeine counts a bulk load
            mine.forEach((k, f) -> {
                Entry<V> e = loaded == null ? null : loaded.get(k);
                loading.end(k, f, e, map::put);
                if (e != null) {
                    out.put(k, e);
                }
            });
        }
        joined.forEach((k, f) -> {
            Entry<V> e = InFlight.join(f);
            if (e != null) {
                out.put(k, e);
            }
        });
        return out;
    }

    /** Stores {@code e}; a load of {@code key} in flight is older, and will not be kept. */
    void put(String key, Entry<V> e) {
        loading.forget(key);
        map.put(key, e);
        maybeSweep();
    }

    void invalidate(String key) {
        loading.forget(key);
        map.remove(key);
    }

    /** Removes the entries tagged {@code tag}, and every load in flight (its entry may turn out tagged). */
    void invalidateTag(String tag) {
        loading.forgetAll();
        map.values().removeIf(e -> e.tags().contains(tag));
    }

    void invalidateAll() {
        loading.forgetAll();
        map.clear();
    }

    /** Starts a refresh of {@code key} unless one runs. */
    void refresh(String key) {
        if (!cache.policy().refreshes().containsKey(key)) {
            cache.refresh(key);
        }
    }

    CacheStats stats() {
        return cache.stats();
    }

    long size() {
        return cache.estimatedSize();
    }

    void bind(MeterRegistry registry, String name) {
        CaffeineCacheMetrics.monitor(registry, cache, name, "level", "l1");
    }

    /** Loads {@code key} as the registered load {@code mine}: the miss path of {@link #get}. */
    private Entry<V> loadAs(String key, CompletableFuture<Entry<V>> mine, Supplier<Entry<V>> load) {
        Entry<V> held = getLoaded(key, clock.millis()); // a load that ended after the caller's miss stored its entry and left
        if (held != null) {
            loading.end(key, mine, held, (k, x) -> { });
            return held;
        }
        counter.recordMisses(1);
        rereadIfExpiredLately(key);
        long start = ticker.read();
        Entry<V> e;
        try {
            e = load.get();
        } catch (Throwable t) {
            counter.recordLoadFailure(ticker.read() - start);
            loading.fail(key, mine, t);
            throw t;
        }
        long took = ticker.read() - start;
        if (e == null) {
            counter.recordLoadFailure(took); // as Caffeine counts a load that gives nothing
        } else {
            counter.recordLoadSuccess(took);
        }
        loading.end(key, mine, e, map::put);
        maybeSweep();
        return e;
    }

    /** Counts a miss of {@code key} whose entry the L1 let expire lately, by how long after its write it came. */
    private void rereadIfExpiredLately(String key) {
        long[] life = expired.asMap().remove(key);
        if (life != null) {
            meters.rereadAfterExpiry(life[1] - life[0], clock.millis() - life[0]);
        }
    }

    /** Removes the expired entry {@code e} of {@code key} unless it changed meanwhile, counting it as an expiry. */
    private void expire(String key, Entry<V> e) {
        if (map.remove(key, e)) {
            counter.recordEviction(weigher == null ? 1 : weigher.applyAsInt(e.value()), RemovalCause.EXPIRED);
            meters.l1Evicted(RemovalCause.EXPIRED);
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
            } catch (RejectedExecutionException ignored) {
                // the executor is shutting down with the cache: nothing to sweep for
            }
        }
    }

    /** Removes every entry that has expired. */
    void sweep() {
        long now = clock.millis();
        map.forEach((key, e) -> {
            if (e.expiresAtMillis() <= now) {
                expire(key, e);
            }
        });
    }
}
