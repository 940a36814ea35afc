package io.bulwark.cache.internal;

import io.bulwark.cache.CacheConfig;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * The way from a miss to a value: the L2, else (optionally under the fleet lock) the loader, whose
 * value is written to the L2 unless the cache changed meanwhile. Runs once per key and node at a
 * time (the L1's futures or {@link InFlight} see to that), on the caller's thread.
 *
 * <p>Design notes on the fleet lock. A node that misses takes {@code SET lock NX PX lease}. The
 * holder reads the L2 again (a holder that just finished may have filled it and released the
 * lock between this node's read and its lock), loads, fills, and releases the lock with a script
 * that also publishes "filled". A node that finds the lock taken waits for that message (or the
 * lease) and reads the L2: the value of the holder's load, so the fleet loads once. If the L2
 * still misses (the holder failed, or its fill was refused because the entry changed), the waiter
 * loads itself. Waiting registers before locking, so the "filled" message cannot pass unseen.
 */
final class Loads<K, V> {

    private final CacheConfig config;
    private final Parts<K, V> parts;
    private final L2<V> l2;
    private final CacheMeters meters;
    private final long leaseMillis;
    private final ConcurrentMap<String, CompletableFuture<Void>> waiters = new ConcurrentHashMap<>();

    Loads(CacheConfig config, Parts<K, V> parts, L2<V> l2, CacheMeters meters) {
        this.config = config;
        this.parts = parts;
        this.l2 = l2;
        this.meters = meters;
        this.leaseMillis = config.fleetLock().map(java.time.Duration::toMillis).orElse(0L);
    }

    /** The entry of a key missing from the L1 (or of any key, without L1); null when the loader gave null. */
    Entry<V> miss(String k, Source<K, V> source) {
        if (l2 == null) {
            return load(k, source);
        }
        L2.Lookup<V> found = l2.read(k);
        if (found.hit()) {
            return found.entry().withSource(source);
        }
        if (!found.reached()) {
            return load(k, source);
        }
        return leaseMillis > 0 ? missUnderLock(k, source) : loadAndFill(k, source, found.counter());
    }

    /**
     * The entries of keys missing from the L1: those in the L2 (one {@code MGET}), then one call of
     * {@code loader} for the rest, whose entries fill the L2 in one script call.
     */
    Map<String, Entry<V>> missAll(Set<String> missing, Map<String, K> byName,
                                  Function<? super Set<K>, ? extends Map<K, V>> loader) {
        Map<String, Entry<V>> out = new HashMap<>();
        List<String> toLoad = new ArrayList<>(missing);
        String counter = null;
        if (l2 != null && !toLoad.isEmpty()) {
            L2.Batch<V> batch = l2.readAll(toLoad);
            batch.hits().forEach((k, e) -> out.put(k, e.withSource(batchSource(byName.get(k), loader))));
            toLoad.removeAll(batch.hits().keySet());
            counter = batch.counter();
        }
        if (toLoad.isEmpty()) {
            return out;
        }
        Set<K> wanted = new LinkedHashSet<>();
        toLoad.forEach(k -> wanted.add(byName.get(k)));
        long start = parts.ticker().read();
        Map<K, V> loaded;
        try {
            loaded = loader.apply(Set.copyOf(wanted));
        } catch (RuntimeException | Error e) {
            meters.loaded(parts.ticker().read() - start, false);
            throw e;
        }
        long nanos = parts.ticker().read() - start;
        meters.loaded(nanos, true);
        Map<String, Entry<V>> fills = new LinkedHashMap<>();
        for (String k : toLoad) {
            K key = byName.get(k);
            V value = loaded == null ? null : loaded.get(key);
            if (value == null) {
                continue;
            }
            Entry<V> e = entry(key, value, Set.of(), Math.max(1, nanos / toLoad.size()), batchSource(key, loader));
            out.put(k, e);
            fills.put(k, e);
        }
        if (counter != null && !fills.isEmpty()) {
            l2.fillAll(fills, counter); // one round trip, under one check of the change counter
        }
        return out;
    }

    /**
     * A fresh entry for {@code old}, for a refresh: a newer one from the L2 if another node
     * refreshed it already, else a load (skipped, keeping {@code old}, while another node holds the
     * fleet lock on it, or when nothing can load it).
     */
    Entry<V> reload(String k, Entry<V> old) {
        @SuppressWarnings("unchecked")
        Source<K, V> source = (Source<K, V>) old.source();
        if (l2 == null) {
            return source == null ? old : load(k, source);
        }
        L2.Lookup<V> found = l2.read(k);
        if (found.hit() && found.entry().writtenAtMillis() > old.writtenAtMillis()) {
            return found.entry().withSource(source);
        }
        if (source == null) {
            return old;
        }
        if (!found.reached()) {
            return load(k, source);
        }
        if (leaseMillis > 0) {
            L2.Lock lock = l2.tryLock(k, leaseMillis);
            if (lock.busy()) {
                return old;
            }
            if (lock.acquired()) {
                meters.lockAcquired.increment();
                try {
                    return loadAndFill(k, source, found.counter());
                } finally {
                    l2.unlock(k, lock);
                }
            }
            return load(k, source);
        }
        return loadAndFill(k, source, found.counter());
    }

    /** A "filled" message for {@code k} arrived. */
    void filled(String k) {
        CompletableFuture<Void> f = waiters.remove(k);
        if (f != null) {
            f.complete(null);
        }
    }

    /** A new entry for {@code value}, written now, with the cache's, the call's and the tagger's tags. */
    Entry<V> entry(K key, V value, Set<String> callTags, long loadNanos, Source<K, V> source) {
        return entry(key, value, callTags, loadNanos, source, config.ttl());
    }

    /** {@link #entry(Object, Object, Set, long, Source)} expiring {@code ttl} from now. */
    Entry<V> entry(K key, V value, Set<String> callTags, long loadNanos, Source<K, V> source, java.time.Duration ttl) {
        Set<String> tags = TwoLevelCache.union(config.tags(), callTags);
        if (parts.tagger() != null) {
            Collection<String> more = parts.tagger().apply(key, value);
            if (more != null) {
                more.forEach(CacheConfig::requireValidTag);
                tags = TwoLevelCache.union(tags, more);
            }
        }
        long now = parts.clock().millis();
        return new Entry<>(value, tags, now, now + ttl.toMillis(), loadNanos, source);
    }

    /** The source of the default loader for {@code key}, or null without one. */
    Source<K, V> defaultSource(K key) {
        return parts.loader() == null ? null : new Source<>(key, parts.loader());
    }

    private Entry<V> missUnderLock(String k, Source<K, V> source) {
        CompletableFuture<Void> filled = waiters.computeIfAbsent(k, x -> new CompletableFuture<>());
        try {
            L2.Lock lock = l2.tryLock(k, leaseMillis);
            if (lock.acquired()) {
                meters.lockAcquired.increment();
                try {
                    L2.Lookup<V> again = l2.read(k);
                    if (again.hit()) {
                        return again.entry().withSource(source);
                    }
                    return again.reached() ? loadAndFill(k, source, again.counter()) : load(k, source);
                } finally {
                    l2.unlock(k, lock);
                }
            }
            if (!lock.busy()) {
                return load(k, source); // Redis went away
            }
            meters.lockWaited.increment();
            await(filled);
            L2.Lookup<V> after = l2.read(k);
            if (after.hit()) {
                return after.entry().withSource(source);
            }
            return after.reached() ? loadAndFill(k, source, after.counter()) : load(k, source);
        } finally {
            waiters.remove(k, filled);
        }
    }

    private void await(CompletableFuture<Void> filled) {
        try {
            filled.get(leaseMillis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            meters.lockTimedOut.increment();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            throw new IllegalStateException("a fill waiter never fails", e);
        }
    }

    private Entry<V> loadAndFill(String k, Source<K, V> source, String counter) {
        Entry<V> e = load(k, source);
        if (e != null && counter != null) {
            l2.fill(k, e, counter);
        }
        return e;
    }

    private Entry<V> load(String k, Source<K, V> source) {
        long start = parts.ticker().read();
        V value;
        try {
            value = source.load();
        } catch (RuntimeException | Error e) {
            meters.loaded(parts.ticker().read() - start, false);
            throw e;
        }
        long nanos = parts.ticker().read() - start;
        meters.loaded(nanos, true);
        return value == null ? null : entry(source.key(), value, Set.of(), Math.max(1, nanos), source);
    }

    private Source<K, V> batchSource(K key, Function<? super Set<K>, ? extends Map<K, V>> loader) {
        return new Source<>(key, one -> {
            Map<K, V> m = loader.apply(Set.of(one));
            return m == null ? null : m.get(one);
        });
    }
}
