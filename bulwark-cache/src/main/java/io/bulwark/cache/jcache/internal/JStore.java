package io.bulwark.cache.jcache.internal;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.RemovalCause;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.processor.EntryProcessor;
import javax.cache.processor.EntryProcessorException;

/**
 * The entries of a {@link JCache} kept in the process, and the atomic steps on them.
 *
 * <p>Design notes. Every change of one key runs inside Caffeine's {@code compute} for that key, so
 * the writer call, the change and the events it causes are one step, in order (the events are
 * delivered after it, see {@link Events}). A step that finds its entry expired removes it with its
 * EXPIRED event first. JSR-107 expiry is checked on access, against the clock; Caffeine also drops
 * entries a minute after their expiry (see {@link JExpiry#storeNanos}), and a maximum size, when
 * configured, is Caffeine's. Keys and values are copied in through {@link Copier}; callers copy out.
 */
final class JStore<K, V> implements JEntries<K, V> {

    private final Cache<K, V> cache;
    private final com.github.benmanes.caffeine.cache.Cache<K, Expirable<V>> caffeine;
    private final ConcurrentMap<K, Expirable<V>> map;
    private final Events<K, V> events;
    private final JStatistics stats;
    private final JExpiry expiry;
    private final JIntegration<K, V> integration;
    private final Copier copier;

    JStore(Cache<K, V> cache, long maximumSize, Events<K, V> events, JStatistics stats, JExpiry expiry,
           JIntegration<K, V> integration, Copier copier) {
        this.cache = cache;
        this.events = events;
        this.stats = stats;
        this.expiry = expiry;
        this.integration = integration;
        this.copier = copier;
        Caffeine<Object, Object> b = Caffeine.newBuilder();
        if (maximumSize > 0) {
            b.maximumSize(maximumSize);
        }
        this.caffeine = b.<K, Expirable<V>>evictionListener((k, v, cause) -> {
            if (cause == RemovalCause.SIZE || cause == RemovalCause.EXPIRED) {
                stats.evictions(1);
            }
        }).expireAfter(new Expiry<K, Expirable<V>>() {
            @Override
            public long expireAfterCreate(K key, Expirable<V> e, long currentTime) {
                return expiry.storeNanos(e);
            }

            @Override
            public long expireAfterUpdate(K key, Expirable<V> e, long currentTime, long currentDuration) {
                return expiry.storeNanos(e);
            }

            @Override
            public long expireAfterRead(K key, Expirable<V> e, long currentTime, long currentDuration) {
                return currentDuration;
            }
        }).build();
        this.map = caffeine.asMap();
    }

    /** The Caffeine cache, for {@code unwrap}. */
    @Override
    public Object delegate() {
        return caffeine;
    }

    ConcurrentMap<K, Expirable<V>> map() {
        return map;
    }

    @Override
    public V read(K key) {
        Expirable<V> e = live(key);
        if (e == null) {
            return null;
        }
        accessed(key, e);
        return e.value;
    }

    @Override
    public Map<K, V> readAll(Collection<? extends K> keys) {
        Map<K, V> found = new HashMap<>();
        for (K key : keys) {
            V v = read(key);
            if (v != null) {
                found.put(key, v);
            }
        }
        return found;
    }

    @Override
    public boolean contains(K key) {
        return live(key) != null;
    }

    @Override
    public Optional<Set<K>> keys() {
        return Optional.of(new LinkedHashSet<>(map.keySet()));
    }

    @Override
    public Iterator<Cache.Entry<K, V>> iterator(JCache<K, V> owner, JStatistics statistics, Copier copies) {
        return new JIterator<>(owner, this, expiry, statistics, copies);
    }

    @Override
    public void close() {
        map.clear();
    }

    /** The live entry of {@code key}, or null; an expired one is removed with its event. */
    Expirable<V> live(K key) {
        Expirable<V> e = map.get(key);
        if (e == null) {
            return null;
        }
        if (e.expired(expiry.now())) {
            map.computeIfPresent(key, (k, current) -> {
                if (current == e) {
                    expired(key, e);
                    return null;
                }
                return current;
            });
            return null;
        }
        return e;
    }

    /** After a read outside a step: the access expiry, also told to Caffeine. */
    void accessed(K key, Expirable<V> e) {
        if (expiry.onAccess(e)) {
            caffeine.policy().expireVariably().ifPresent(p -> p.setExpiresAfter(key, expiry.storeNanos(e), TimeUnit.NANOSECONDS));
        }
    }

    @Override
    public Change<V> put(K key, V value, boolean writeThrough) {
        Change<V> c = new Change<>();
        V copy = copier.copy(value);
        map.compute(copier.copy(key), (k, e) -> {
            if (writeThrough) {
                integration.write(key, value);
            }
            if (e != null && e.expired(expiry.now())) {
                expired(key, e);
                e = null;
            }
            if (e == null) {
                Expirable<V> created = created(key, copy);
                c.written = created != null;
                return created;
            }
            c.old = e.value;
            c.written = true;
            return updated(key, e, copy);
        });
        return c;
    }

    @Override
    public Change<V> putIfAbsent(K key, V value, boolean writeThrough) {
        Change<V> c = new Change<>();
        map.compute(copier.copy(key), (k, e) -> {
            if (e != null && !e.expired(expiry.now())) {
                c.old = e.value;
                return e;
            }
            if (writeThrough) {
                integration.write(key, value);
            }
            if (e != null) {
                expired(key, e);
            }
            Expirable<V> created = created(key, copier.copy(value));
            c.written = created != null;
            return created;
        });
        return c;
    }

    /** Removes {@code key}; returns the live value removed, or null. */
    @Override
    public V remove(K key, boolean writeThrough) {
        Object[] removed = new Object[1];
        map.compute(key, (k, e) -> {
            if (writeThrough) {
                integration.delete(key);
            }
            if (e != null) {
                if (e.expired(expiry.now())) {
                    expired(key, e);
                } else {
                    events.removed(cache, key, e.value);
                    removed[0] = e.value;
                }
            }
            return null;
        });
        @SuppressWarnings("unchecked")
        V v = (V) removed[0];
        return v;
    }

    /** Removes {@code key} if its live value equals {@code expected}. */
    @Override
    public Outcome removeIf(K key, V expected) {
        boolean[] found = {false};
        boolean[] removed = {false};
        map.computeIfPresent(key, (k, e) -> {
            if (e.expired(expiry.now())) {
                expired(key, e);
                return null;
            }
            found[0] = true;
            if (!expected.equals(e.value)) {
                expiry.onAccess(e);
                return e;
            }
            integration.delete(key);
            events.removed(cache, key, e.value);
            removed[0] = true;
            return null;
        });
        return new Outcome(found[0], removed[0]);
    }

    /** Replaces the live value of {@code key}; returns the old one, or null when there was none. */
    @Override
    public V replace(K key, V value) {
        V copy = copier.copy(value);
        Object[] old = new Object[1];
        map.computeIfPresent(key, (k, e) -> {
            if (e.expired(expiry.now())) {
                expired(key, e);
                return null;
            }
            integration.write(key, value);
            old[0] = e.value;
            return updated(key, e, copy);
        });
        @SuppressWarnings("unchecked")
        V v = (V) old[0];
        return v;
    }

    /** Replaces the live value of {@code key} if it equals {@code expected}. */
    @Override
    public Outcome replaceIf(K key, V expected, V value) {
        boolean[] found = {false};
        boolean[] replaced = {false};
        map.computeIfPresent(key, (k, e) -> {
            if (e.expired(expiry.now())) {
                expired(key, e);
                return null;
            }
            found[0] = true;
            if (!expected.equals(e.value)) {
                expiry.onAccess(e);
                return e;
            }
            replaced[0] = true;
            integration.write(key, value);
            return updated(key, e, copier.copy(value));
        });
        return new Outcome(found[0], replaced[0]);
    }

    /** Stores a loaded value unless a live one is there; returns the value now stored, or null. */
    @Override
    public V store(K key, V loaded) {
        V copy = copier.copy(loaded);
        Object[] now = new Object[1];
        map.compute(copier.copy(key), (k, e) -> {
            if (e != null && !e.expired(expiry.now())) {
                now[0] = e.value;
                return e;
            }
            if (e != null) {
                expired(key, e);
            }
            Expirable<V> created = created(key, copy);
            now[0] = created == null ? null : copy;
            return created;
        });
        @SuppressWarnings("unchecked")
        V v = (V) now[0];
        return v;
    }

    /** Runs {@code processor} on {@code key}'s entry and applies what it did, in one step; returns its result. */
    @Override
    public Object invoke(K key, EntryProcessor<K, V, ?> processor, Object... arguments) {
        Object[] result = new Object[1];
        map.compute(copier.copy(key), (k, current) -> {
            Expirable<V> prior = current;
            if (prior != null && prior.expired(expiry.now())) {
                expired(key, prior);
                prior = null;
            }
            if (prior == null) {
                stats.misses(1);
            } else {
                stats.hits(1);
            }
            ProcessorEntry<K, V> entry = new ProcessorEntry<>(key, prior == null ? null : copier.copy(prior.value),
                    integration.readThroughLoader());
            try {
                result[0] = processor.process(entry, arguments);
                return applied(key, prior, entry);
            } catch (EntryProcessorException e) {
                throw e;
            } catch (RuntimeException e) {
                throw new EntryProcessorException(e);
            }
        });
        return result[0];
    }

    @Override
    public void clear() {
        map.clear();
    }

    private Expirable<V> applied(K key, Expirable<V> prior, ProcessorEntry<K, V> entry) {
        switch (entry.action()) {
            case NONE:
                return prior;
            case READ:
                expiry.onAccess(prior);
                return prior;
            case LOADED:
            case CREATED: {
                boolean created = entry.action() == ProcessorEntry.Action.CREATED;
                V value = entry.getValue();
                if (created) {
                    integration.write(key, value);
                }
                Expirable<V> e = created(key, copier.copy(value));
                if (e != null && created) {
                    stats.puts(1);
                }
                return e;
            }
            case UPDATED: {
                V value = entry.getValue();
                integration.write(key, value);
                stats.puts(1);
                return updated(key, prior, copier.copy(value));
            }
            case DELETED:
                integration.delete(key);
                if (prior != null) {
                    stats.removals(1);
                    events.removed(cache, key, prior.value);
                }
                return null;
            default:
                throw new IllegalStateException("unknown action " + entry.action());
        }
    }

    /** A new entry with the creation expiry, or null (and an EXPIRED event) when that expiry is zero. */
    private Expirable<V> created(K key, V copy) {
        long at = expiry.onCreation();
        if (at == 0) {
            events.expired(cache, key, copy);
            return null;
        }
        events.created(cache, key, copy);
        return new Expirable<>(copy, at);
    }

    private Expirable<V> updated(K key, Expirable<V> old, V copy) {
        long at = expiry.onUpdate();
        events.updated(cache, key, old.value, copy);
        return new Expirable<>(copy, at == JExpiry.UNCHANGED ? old.expireAt() : at);
    }

    private void expired(K key, Expirable<V> e) {
        events.expired(cache, key, e.value);
        stats.evictions(1);
    }
}
