package io.bulwark.cache.jcache.internal;

import io.bulwark.cache.CacheBuilder;
import io.bulwark.cache.CacheConfig;
import io.bulwark.cache.Caches;
import io.bulwark.cache.jcache.BulwarkConfiguration;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Collection;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.processor.EntryProcessor;
import javax.cache.processor.EntryProcessorException;

/**
 * The entries of a {@link JCache} kept in a Bulwark two-level cache: an optional Caffeine L1 in the
 * process and the Redis L2 that every node with the same {@code CacheConfig} shares. Reads and
 * writes go through {@link io.bulwark.cache.Cache}, so puts and removals reach the other nodes'
 * L1s through its invalidation broadcast, and a Redis that does not answer is bypassed (reads miss,
 * writes stay in this node's L1) instead of failing the caller.
 *
 * <p>Design notes. A step on one key (a conditional write, a write that must know the old value
 * for its event or statistics, an entry processor) reads the entry and then writes it under a lock
 * of this node, striped by key: it is atomic against the other threads of this node, not against
 * other nodes, where the last write wins. Events are recorded for this node's steps only. The
 * JSR-107 expiry of a creation (or of an update that names one) becomes the entry's ttl in both
 * levels; an eternal one is the {@code CacheConfig}'s ttl, and an update that keeps the expiry
 * writes the creation's again (the L2 cannot keep a remaining ttl through a rewrite). Access
 * expiry is not applied. The entries in Redis are not listed: there is no iterator, and
 * {@code removeAll()} empties the cache without events or writer calls.
 */
final class JLevelsStore<K, V> implements JEntries<K, V> {

    private static final int STRIPES = 64;

    private final Cache<K, V> owner;
    private final io.bulwark.cache.Cache<K, V> levels;
    private final Duration eternal;
    private final Events<K, V> events;
    private final JStatistics stats;
    private final JExpiry expiry;
    private final JIntegration<K, V> integration;
    private final Copier copier;
    private final ReentrantLock[] locks = new ReentrantLock[STRIPES];

    private JLevelsStore(Cache<K, V> owner, io.bulwark.cache.Cache<K, V> levels, Duration eternal, Events<K, V> events,
                         JStatistics stats, JExpiry expiry, JIntegration<K, V> integration, Copier copier) {
        this.owner = owner;
        this.levels = levels;
        this.eternal = eternal;
        this.events = events;
        this.stats = stats;
        this.expiry = expiry;
        this.integration = integration;
        this.copier = copier;
        for (int i = 0; i < STRIPES; i++) {
            locks[i] = new ReentrantLock();
        }
    }

    /**
     * A store over the Bulwark cache of {@code config}'s {@code CacheConfig} (which has an L2).
     *
     * @throws CacheException when that cache cannot be built (no Redis URL, say)
     */
    static <K, V> JLevelsStore<K, V> open(Cache<K, V> owner, BulwarkConfiguration<K, V> config, InstantSource clock,
                                          Events<K, V> events, JStatistics stats, JExpiry expiry,
                                          JIntegration<K, V> integration, Copier copier) {
        CacheConfig c = config.getCacheConfig().orElseThrow();
        try {
            CacheBuilder<String, V> values = config.getCodec().isPresent()
                    ? Caches.builder(c, config.getCodec().get())
                    : Caches.builder(c, config.getValueType());
            CacheBuilder<K, V> b = values.<K>keys(String::valueOf).clock(clock);
            config.getRedis().ifPresent(b::l2);
            return new JLevelsStore<>(owner, b.build(), c.ttl(), events, stats, expiry, integration, copier);
        } catch (RuntimeException e) {
            throw new CacheException("cache " + owner.getName() + " cannot open its Bulwark cache '" + c.name() + "': "
                    + e.getMessage(), e);
        }
    }

    @Override
    public V read(K key) {
        return levels.getIfPresent(key).orElse(null);
    }

    @Override
    public Map<K, V> readAll(Collection<? extends K> keys) {
        return levels.getAll(keys, missing -> Map.of()); // one MGET for those not in the L1, nothing loaded
    }

    @Override
    public boolean contains(K key) {
        return read(key) != null;
    }

    @Override
    public Change<V> put(K key, V value, boolean writeThrough) {
        return locked(key, () -> {
            if (writeThrough) {
                integration.write(key, value);
            }
            Change<V> c = new Change<>();
            V old = read(key);
            V copy = copier.copy(value);
            if (old == null) {
                c.written = created(key, copy);
            } else {
                c.old = old;
                c.written = true;
                updated(key, old, copy);
            }
            return c;
        });
    }

    @Override
    public Change<V> putIfAbsent(K key, V value, boolean writeThrough) {
        return locked(key, () -> {
            Change<V> c = new Change<>();
            V old = read(key);
            if (old != null) {
                c.old = old;
                return c;
            }
            if (writeThrough) {
                integration.write(key, value);
            }
            c.written = created(key, copier.copy(value));
            return c;
        });
    }

    @Override
    public V remove(K key, boolean writeThrough) {
        return locked(key, () -> {
            if (writeThrough) {
                integration.delete(key);
            }
            V old = read(key);
            levels.invalidate(key); // also when this node saw none: another node's L1 may hold one
            if (old != null) {
                events.removed(owner, key, old);
            }
            return old;
        });
    }

    @Override
    public Outcome removeIf(K key, V expected) {
        return ifCurrentIs(key, expected, current -> {
            integration.delete(key);
            levels.invalidate(key);
            events.removed(owner, key, current);
        });
    }

    @Override
    public V replace(K key, V value) {
        return locked(key, () -> {
            V current = read(key);
            if (current == null) {
                return null;
            }
            integration.write(key, value);
            updated(key, current, copier.copy(value));
            return current;
        });
    }

    @Override
    public Outcome replaceIf(K key, V expected, V value) {
        return ifCurrentIs(key, expected, current -> {
            integration.write(key, value);
            updated(key, current, copier.copy(value));
        });
    }

    /** Under the key's lock: runs {@code change} with the current value when it equals {@code expected}. */
    private Outcome ifCurrentIs(K key, V expected, java.util.function.Consumer<V> change) {
        return locked(key, () -> {
            V current = read(key);
            if (current == null) {
                return new Outcome(false, false);
            }
            if (!expected.equals(current)) {
                return new Outcome(true, false);
            }
            change.accept(current);
            return new Outcome(true, true);
        });
    }

    @Override
    public V store(K key, V loaded) {
        return locked(key, () -> {
            V current = read(key);
            if (current != null) {
                return current;
            }
            V copy = copier.copy(loaded);
            return created(key, copy) ? copy : null;
        });
    }

    @Override
    public Object invoke(K key, EntryProcessor<K, V, ?> processor, Object... arguments) {
        return locked(key, () -> {
            V prior = read(key);
            if (prior == null) {
                stats.misses(1);
            } else {
                stats.hits(1);
            }
            ProcessorEntry<K, V> entry = new ProcessorEntry<>(key, prior == null ? null : copier.copy(prior),
                    integration.readThroughLoader());
            Object result;
            try {
                result = processor.process(entry, arguments);
            } catch (EntryProcessorException e) {
                throw e;
            } catch (RuntimeException e) {
                throw new EntryProcessorException(e);
            }
            applied(key, prior, entry);
            return result;
        });
    }

    @Override
    public Optional<Set<K>> keys() {
        return Optional.empty();
    }

    @Override
    public Iterator<Cache.Entry<K, V>> iterator(JCache<K, V> cache, JStatistics statistics, Copier copies) {
        throw new UnsupportedOperationException("cache " + owner.getName() + " keeps its entries in Redis (Bulwark cache '"
                + levels.name() + "'), which are not listed; iterating them is not supported");
    }

    @Override
    public void clear() {
        levels.invalidateAll();
    }

    @Override
    public void close() {
        levels.close();
    }

    @Override
    public Object delegate() {
        return levels;
    }

    private void applied(K key, V prior, ProcessorEntry<K, V> entry) {
        switch (entry.action()) {
            case NONE, READ -> {
            }
            case LOADED, CREATED -> {
                boolean created = entry.action() == ProcessorEntry.Action.CREATED;
                V value = entry.getValue();
                if (created) {
                    integration.write(key, value);
                }
                if (created(key, copier.copy(value)) && created) {
                    stats.puts(1);
                }
            }
            case UPDATED -> {
                V value = entry.getValue();
                integration.write(key, value);
                stats.puts(1);
                if (prior == null) {
                    created(key, copier.copy(value));
                } else {
                    updated(key, prior, copier.copy(value));
                }
            }
            case DELETED -> {
                integration.delete(key);
                levels.invalidate(key);
                if (prior != null) {
                    stats.removals(1);
                    events.removed(owner, key, prior);
                }
            }
            default -> throw new IllegalStateException("unknown action " + entry.action());
        }
    }

    /** Writes a new entry with the creation expiry; false (and an EXPIRED event) when that expiry is zero. */
    private boolean created(K key, V copy) {
        long at = expiry.onCreation();
        if (at == 0) {
            events.expired(owner, key, copy);
            return false;
        }
        levels.put(key, copy, Set.of(), ttl(at));
        events.created(owner, key, copy);
        return true;
    }

    private void updated(K key, V old, V copy) {
        long at = expiry.onUpdate();
        if (at == JExpiry.UNCHANGED) {
            at = expiry.onCreation();
        }
        if (at == 0) {
            levels.invalidate(key); // expires at once: it is gone from every node
        } else {
            levels.put(key, copy, Set.of(), ttl(at));
        }
        events.updated(owner, key, old, copy);
    }

    private Duration ttl(long at) {
        return at == Expirable.ETERNAL ? eternal : Duration.ofMillis(Math.max(1, at - expiry.now()));
    }

    private <T> T locked(K key, Supplier<T> step) {
        int h = key.hashCode();
        ReentrantLock lock = locks[(h ^ (h >>> 16)) & (STRIPES - 1)];
        lock.lock();
        try {
            return step.get();
        } finally {
            lock.unlock();
        }
    }
}
