package io.bulwark.cache.jcache.internal;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.RemovalCause;
import io.bulwark.cache.jcache.BulwarkConfiguration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.CacheEntryListenerConfiguration;
import javax.cache.configuration.Configuration;
import javax.cache.event.CacheEntryListenerException;
import javax.cache.expiry.Duration;
import javax.cache.expiry.EternalExpiryPolicy;
import javax.cache.expiry.ExpiryPolicy;
import javax.cache.integration.CacheLoader;
import javax.cache.integration.CacheLoaderException;
import javax.cache.integration.CacheWriter;
import javax.cache.integration.CacheWriterException;
import javax.cache.integration.CompletionListener;
import javax.cache.processor.EntryProcessor;
import javax.cache.processor.EntryProcessorException;
import javax.cache.processor.EntryProcessorResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A JSR-107 cache over a Caffeine cache of {@link Expirable} values.
 *
 * <p>Design notes. Every change of one key runs inside Caffeine's {@code compute} for that key, so
 * the writer call, the change and the events it causes are one atomic step, in order; the events
 * are delivered after the step (see {@link Events}). JSR-107 expiry (per entry, after creation,
 * update or access, by an {@link ExpiryPolicy}) is checked on each access against the clock, as
 * JSR-107 specifies it: an expired entry is removed, with its EXPIRED event, by the access that
 * finds it. So that entries nobody reads again do not stay in memory, Caffeine also drops
 * entries a minute after their expiry (counted as evictions, without an event). A maximum size,
 * when configured, is Caffeine's.
 */
public final class JCache<K, V> implements Cache<K, V> {

    private static final Logger LOG = LoggerFactory.getLogger(JCache.class);
    private static final long UNCHANGED = Long.MIN_VALUE;
    private static final long GRACE_MILLIS = 60_000;

    private final String name;
    private final JCacheManager manager;
    private final BulwarkConfiguration<K, V> config;
    private final com.github.benmanes.caffeine.cache.Cache<K, Expirable<V>> store;
    private final ConcurrentMap<K, Expirable<V>> map;
    private final CacheLoader<K, V> loader;
    private final CacheWriter<K, V> writer;
    private final ExpiryPolicy expiry;
    private final Copier copier;
    private final Events<K, V> events = new Events<>();
    private final JStatistics stats = new JStatistics();
    private final JConfigurationBean bean = new JConfigurationBean(this);
    private final InstantSource clock;
    private volatile boolean closed;

    JCache(JCacheManager manager, String name, BulwarkConfiguration<K, V> config, InstantSource clock) {
        this.manager = manager;
        this.name = name;
        this.config = config;
        this.clock = clock;
        this.copier = new Copier(config.isStoreByValue(), manager.getClassLoader());
        this.loader = config.getCacheLoaderFactory() == null ? null : config.getCacheLoaderFactory().create();
        this.writer = writer(config);
        this.expiry = config.getExpiryPolicyFactory() == null ? new EternalExpiryPolicy()
                : config.getExpiryPolicyFactory().create();
        Caffeine<Object, Object> b = Caffeine.newBuilder();
        if (config.getMaximumSize() > 0) {
            b.maximumSize(config.getMaximumSize());
        }
        this.store = b.<K, Expirable<V>>evictionListener((k, v, cause) -> {
            if (cause == RemovalCause.SIZE || cause == RemovalCause.EXPIRED) {
                stats.evictions(1);
            }
        }).expireAfter(new Expiry<K, Expirable<V>>() {
            @Override
            public long expireAfterCreate(K key, Expirable<V> e, long currentTime) {
                return storeNanos(e);
            }

            @Override
            public long expireAfterUpdate(K key, Expirable<V> e, long currentTime, long currentDuration) {
                return storeNanos(e);
            }

            @Override
            public long expireAfterRead(K key, Expirable<V> e, long currentTime, long currentDuration) {
                return currentDuration;
            }
        }).build();
        this.map = store.asMap();
        for (CacheEntryListenerConfiguration<K, V> l : config.getCacheEntryListenerConfigurations()) {
            events.register(l);
        }
    }

    @SuppressWarnings("unchecked") // a writer of supertypes of K and V takes K and V
    private static <K, V> CacheWriter<K, V> writer(BulwarkConfiguration<K, V> config) {
        return config.getCacheWriterFactory() == null ? null : (CacheWriter<K, V>) config.getCacheWriterFactory().create();
    }

    // ---- reads

    @Override
    public V get(K key) {
        requireOpen();
        Objects.requireNonNull(key, "key");
        long start = System.nanoTime();
        return deliverAfter(() -> {
            Expirable<V> e = live(key);
            V value;
            if (e != null) {
                accessed(key, e);
                stats.hits(1);
                value = copier.copy(e.value);
            } else {
                stats.misses(1);
                value = config.isReadThrough() && loader != null ? loadAndStore(key) : null;
            }
            stats.getTime(System.nanoTime() - start);
            return value;
        });
    }

    @Override
    public Map<K, V> getAll(Set<? extends K> keys) {
        requireOpen();
        requireKeys(keys);
        long start = System.nanoTime();
        return deliverAfter(() -> {
            Map<K, V> out = new LinkedHashMap<>();
            List<K> missing = new ArrayList<>();
            for (K key : keys) {
                Expirable<V> e = live(key);
                if (e != null) {
                    accessed(key, e);
                    out.put(copier.copy(key), copier.copy(e.value));
                } else {
                    missing.add(key);
                }
            }
            stats.hits(out.size());
            stats.misses(missing.size());
            if (!missing.isEmpty() && config.isReadThrough() && loader != null) {
                Map<K, V> loaded = loadAll(loader, missing);
                for (K key : missing) {
                    V v = loaded.get(key);
                    if (v != null) {
                        V stored = store(key, v);
                        if (stored != null) {
                            out.put(copier.copy(key), copier.copy(stored));
                        }
                    }
                }
            }
            stats.getTime(System.nanoTime() - start);
            return out;
        });
    }

    @Override
    public boolean containsKey(K key) {
        requireOpen();
        Objects.requireNonNull(key, "key");
        return deliverAfter(() -> live(key) != null);
    }

    @Override
    public void loadAll(Set<? extends K> keys, boolean replaceExistingValues, CompletionListener listener) {
        requireOpen();
        requireKeys(keys);
        CompletionListener done = listener == null ? NoCompletion.INSTANCE : listener;
        if (loader == null) {
            done.onCompletion();
            return;
        }
        try {
            deliverAfter(() -> {
                List<K> wanted = new ArrayList<>();
                for (K key : keys) {
                    if (replaceExistingValues || live(key) == null) {
                        wanted.add(key);
                    }
                }
                Map<K, V> loaded = wanted.isEmpty() ? Map.of() : loadAll(loader, wanted);
                loaded.forEach((k, v) -> {
                    if (k != null && v != null) {
                        if (replaceExistingValues) {
                            put(k, v, false);
                        } else {
                            putIfAbsent(k, v, false);
                        }
                    }
                });
                return null;
            });
        } catch (CacheLoaderException e) {
            done.onException(e);
            return;
        } catch (RuntimeException e) {
            done.onException(new CacheLoaderException(e));
            return;
        }
        done.onCompletion();
    }

    // ---- writes

    @Override
    public void put(K key, V value) {
        requireOpen();
        requireEntry(key, value);
        long start = System.nanoTime();
        Change<V> c = deliverAfter(() -> put(key, value, true));
        if (c.written) {
            stats.puts(1);
            stats.putTime(System.nanoTime() - start);
        }
    }

    @Override
    public V getAndPut(K key, V value) {
        requireOpen();
        requireEntry(key, value);
        long start = System.nanoTime();
        Change<V> c = deliverAfter(() -> put(key, value, true));
        long took = System.nanoTime() - start;
        if (c.old == null) {
            stats.misses(1);
        } else {
            stats.hits(1);
        }
        if (c.written) {
            stats.puts(1);
            stats.putTime(took);
        }
        stats.getTime(took);
        return c.old == null ? null : copier.copy(c.old);
    }

    @Override
    public void putAll(Map<? extends K, ? extends V> entries) {
        requireOpen();
        Objects.requireNonNull(entries, "map");
        entries.forEach(this::requireEntry);
        long start = System.nanoTime();
        CacheWriterException failure = null;
        Set<K> failed = Set.of();
        if (config.isWriteThrough() && writer != null && !entries.isEmpty()) {
            List<Cache.Entry<? extends K, ? extends V>> toWrite = new ArrayList<>();
            entries.forEach((k, v) -> toWrite.add(new JEntry<>(k, v)));
            try {
                writer.writeAll(toWrite);
            } catch (RuntimeException e) {
                failure = e instanceof CacheWriterException w ? w : new CacheWriterException("the cache writer failed", e);
                failed = new HashSet<>();
                for (Cache.Entry<? extends K, ? extends V> left : toWrite) {
                    failed.add(left.getKey());
                }
            }
        }
        Set<K> notWritten = failed;
        int puts = deliverAfter(() -> {
            int n = 0;
            for (Map.Entry<? extends K, ? extends V> e : entries.entrySet()) {
                if (!notWritten.contains(e.getKey()) && put(e.getKey(), e.getValue(), false).written) {
                    n++;
                }
            }
            return n;
        });
        if (puts > 0) {
            stats.puts(puts);
            stats.putTime(System.nanoTime() - start);
        }
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public boolean putIfAbsent(K key, V value) {
        requireOpen();
        requireEntry(key, value);
        long start = System.nanoTime();
        Change<V> c = deliverAfter(() -> putIfAbsent(key, value, true));
        if (c.old != null) {
            stats.hits(1);
        } else {
            stats.misses(1);
        }
        if (c.written) {
            stats.puts(1);
            stats.putTime(System.nanoTime() - start);
        }
        return c.written;
    }

    @Override
    public boolean remove(K key) {
        requireOpen();
        Objects.requireNonNull(key, "key");
        long start = System.nanoTime();
        V removed = deliverAfter(() -> remove(key, true));
        if (removed == null) {
            return false;
        }
        stats.removals(1);
        stats.removeTime(System.nanoTime() - start);
        return true;
    }

    @Override
    public boolean remove(K key, V oldValue) {
        requireOpen();
        requireEntry(key, oldValue);
        long start = System.nanoTime();
        boolean[] found = {false};
        boolean[] removed = {false};
        deliverAfter(() -> map.computeIfPresent(key, (k, e) -> {
            if (e.expired(now())) {
                expiredInStep(key, e);
                return null;
            }
            found[0] = true;
            if (oldValue.equals(e.value)) {
                delete(key);
                events.removed(this, key, e.value);
                removed[0] = true;
                return null;
            }
            accessedInStep(e);
            return e;
        }));
        if (removed[0]) {
            stats.removals(1);
            stats.hits(1);
            stats.removeTime(System.nanoTime() - start);
        } else if (found[0]) {
            stats.hits(1);
        } else {
            stats.misses(1);
        }
        return removed[0];
    }

    @Override
    public V getAndRemove(K key) {
        requireOpen();
        Objects.requireNonNull(key, "key");
        long start = System.nanoTime();
        V removed = deliverAfter(() -> remove(key, true));
        long took = System.nanoTime() - start;
        if (removed == null) {
            stats.misses(1);
        } else {
            stats.hits(1);
            stats.removals(1);
            stats.removeTime(took);
        }
        stats.getTime(took);
        return removed == null ? null : copier.copy(removed);
    }

    @Override
    public boolean replace(K key, V oldValue, V newValue) {
        requireOpen();
        requireEntry(key, oldValue);
        Objects.requireNonNull(newValue, "newValue");
        long start = System.nanoTime();
        boolean[] found = {false};
        boolean[] replaced = {false};
        deliverAfter(() -> map.computeIfPresent(key, (k, e) -> {
            if (e.expired(now())) {
                expiredInStep(key, e);
                return null;
            }
            found[0] = true;
            if (!oldValue.equals(e.value)) {
                accessedInStep(e);
                return e;
            }
            replaced[0] = true;
            return updated(key, e, newValue);
        }));
        long took = System.nanoTime() - start;
        if (found[0]) {
            stats.hits(1);
        } else {
            stats.misses(1);
        }
        if (replaced[0]) {
            stats.puts(1);
            stats.putTime(took);
        }
        stats.getTime(took);
        return replaced[0];
    }

    @Override
    public boolean replace(K key, V value) {
        requireOpen();
        requireEntry(key, value);
        long start = System.nanoTime();
        V old = deliverAfter(() -> replace(key, value, true));
        long took = System.nanoTime() - start;
        if (old == null) {
            stats.misses(1);
        } else {
            stats.hits(1);
            stats.puts(1);
            stats.putTime(took);
        }
        stats.getTime(took);
        return old != null;
    }

    @Override
    public V getAndReplace(K key, V value) {
        requireOpen();
        requireEntry(key, value);
        long start = System.nanoTime();
        V old = deliverAfter(() -> replace(key, value, true));
        long took = System.nanoTime() - start;
        if (old == null) {
            stats.misses(1);
        } else {
            stats.hits(1);
            stats.puts(1);
            stats.putTime(took);
        }
        stats.getTime(took);
        return old == null ? null : copier.copy(old);
    }

    @Override
    public void removeAll(Set<? extends K> keys) {
        requireOpen();
        requireKeys(keys);
        removeKeys(new LinkedHashSet<>(keys));
    }

    @Override
    public void removeAll() {
        requireOpen();
        removeKeys(new LinkedHashSet<>(map.keySet()));
    }

    private void removeKeys(Set<K> keys) {
        long start = System.nanoTime();
        CacheWriterException failure = null;
        Set<K> failed = Set.of();
        if (config.isWriteThrough() && writer != null && !keys.isEmpty()) {
            Set<K> toDelete = new LinkedHashSet<>(keys);
            try {
                writer.deleteAll(toDelete);
            } catch (RuntimeException e) {
                failure = e instanceof CacheWriterException w ? w : new CacheWriterException("the cache writer failed", e);
                failed = toDelete;
            }
        }
        Set<K> notDeleted = failed;
        int removed = deliverAfter(() -> {
            int n = 0;
            for (K key : keys) {
                if (!notDeleted.contains(key) && remove(key, false) != null) {
                    n++;
                }
            }
            return n;
        });
        if (removed > 0) {
            stats.removals(removed);
            stats.removeTime(System.nanoTime() - start);
        }
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public void clear() {
        requireOpen();
        map.clear();
    }

    // ---- entry processors

    @Override
    public <T> T invoke(K key, EntryProcessor<K, V, T> processor, Object... arguments) {
        requireOpen();
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(processor, "entryProcessor");
        Objects.requireNonNull(arguments, "arguments");
        Object[] result = new Object[1];
        deliverAfter(() -> map.compute(copier.copy(key), (k, current) -> {
            Expirable<V> prior = current;
            if (prior != null && prior.expired(now())) {
                expiredInStep(key, prior);
                prior = null;
            }
            if (prior == null) {
                stats.misses(1);
            } else {
                stats.hits(1);
            }
            ProcessorEntry<K, V> entry = new ProcessorEntry<>(key, prior == null ? null : copier.copy(prior.value),
                    config.isReadThrough() ? loader : null);
            try {
                result[0] = processor.process(entry, arguments);
                return applied(key, prior, entry);
            } catch (EntryProcessorException e) {
                throw e;
            } catch (RuntimeException e) {
                throw new EntryProcessorException(e);
            }
        }));
        @SuppressWarnings("unchecked")
        T t = (T) result[0];
        return t;
    }

    @Override
    public <T> Map<K, EntryProcessorResult<T>> invokeAll(Set<? extends K> keys, EntryProcessor<K, V, T> processor,
                                                         Object... arguments) {
        requireOpen();
        requireKeys(keys);
        Objects.requireNonNull(processor, "entryProcessor");
        Objects.requireNonNull(arguments, "arguments");
        Map<K, EntryProcessorResult<T>> results = new HashMap<>();
        for (K key : keys) {
            try {
                T r = invoke(key, processor, arguments);
                if (r != null) {
                    results.put(key, () -> r);
                }
            } catch (EntryProcessorException e) {
                results.put(key, () -> {
                    throw e;
                });
            } catch (RuntimeException e) {
                EntryProcessorException wrapped = new EntryProcessorException(e);
                results.put(key, () -> {
                    throw wrapped;
                });
            }
        }
        return results;
    }

    // ---- the rest of javax.cache.Cache

    @Override
    public String getName() {
        return name;
    }

    @Override
    public CacheManager getCacheManager() {
        return manager;
    }

    @Override
    public <C extends Configuration<K, V>> C getConfiguration(Class<C> clazz) {
        BulwarkConfiguration<K, V> copy = configuration();
        if (clazz.isInstance(copy)) {
            return clazz.cast(copy);
        }
        throw new IllegalArgumentException("the configuration of cache " + name + " is not a " + clazz.getName());
    }

    /** A copy of the configuration. */
    BulwarkConfiguration<K, V> configuration() {
        synchronized (config) {
            return new BulwarkConfiguration<>(config);
        }
    }

    @Override
    public void registerCacheEntryListener(CacheEntryListenerConfiguration<K, V> listener) {
        Objects.requireNonNull(listener, "cacheEntryListenerConfiguration");
        synchronized (config) {
            requireOpen();
            events.register(listener);
            config.addCacheEntryListenerConfiguration(listener);
        }
    }

    @Override
    public void deregisterCacheEntryListener(CacheEntryListenerConfiguration<K, V> listener) {
        Objects.requireNonNull(listener, "cacheEntryListenerConfiguration");
        synchronized (config) {
            requireOpen();
            events.deregister(listener);
            config.removeCacheEntryListenerConfiguration(listener);
        }
    }

    @Override
    public Iterator<Cache.Entry<K, V>> iterator() {
        requireOpen();
        return new Entries();
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public void close() {
        synchronized (config) {
            if (closed) {
                return;
            }
            enableManagement(false);
            enableStatistics(false);
            closed = true;
        }
        manager.forget(name, this);
        closeQuietly(expiry);
        closeQuietly(writer);
        closeQuietly(loader);
        events.registrations().forEach(r -> closeQuietly(r.listener()));
        map.clear();
    }

    @Override
    public <T> T unwrap(Class<T> clazz) {
        if (clazz.isInstance(this)) {
            return clazz.cast(this);
        }
        if (clazz.isInstance(store)) {
            return clazz.cast(store);
        }
        throw new IllegalArgumentException("cache " + name + " cannot be unwrapped to " + clazz.getName());
    }

    void enableStatistics(boolean enabled) {
        synchronized (config) {
            requireOpen();
            if (enabled) {
                Jmx.register(this, Jmx.Type.CacheStatistics, stats);
            } else {
                Jmx.unregister(this, Jmx.Type.CacheStatistics);
            }
            stats.enable(enabled);
            config.setStatisticsEnabled(enabled);
        }
    }

    void enableManagement(boolean enabled) {
        synchronized (config) {
            requireOpen();
            if (enabled) {
                Jmx.register(this, Jmx.Type.CacheConfiguration, bean);
            } else {
                Jmx.unregister(this, Jmx.Type.CacheConfiguration);
            }
            config.setManagementEnabled(enabled);
        }
    }

    // ---- the steps, each inside one compute of its key

    /** The outcome of a put: the value replaced (null if none), and whether the new one was stored. */
    private static final class Change<V> {
        V old;
        boolean written;
    }

    private Change<V> put(K key, V value, boolean writeThrough) {
        Change<V> c = new Change<>();
        V copy = copier.copy(value);
        map.compute(copier.copy(key), (k, e) -> {
            if (writeThrough) {
                write(key, value);
            }
            if (e != null && e.expired(now())) {
                expiredInStep(key, e);
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

    private Change<V> putIfAbsent(K key, V value, boolean writeThrough) {
        Change<V> c = new Change<>();
        map.compute(copier.copy(key), (k, e) -> {
            if (e != null && !e.expired(now())) {
                c.old = e.value;
                return e;
            }
            if (writeThrough) {
                write(key, value);
            }
            if (e != null) {
                expiredInStep(key, e);
            }
            Expirable<V> created = created(key, copier.copy(value));
            c.written = created != null;
            return created;
        });
        return c;
    }

    /** Removes {@code key}; returns the live value removed, or null. */
    private V remove(K key, boolean writeThrough) {
        Object[] removed = new Object[1];
        map.compute(key, (k, e) -> {
            if (writeThrough) {
                delete(key);
            }
            if (e != null) {
                if (e.expired(now())) {
                    expiredInStep(key, e);
                } else {
                    events.removed(this, key, e.value);
                    removed[0] = e.value;
                }
            }
            return null;
        });
        @SuppressWarnings("unchecked")
        V v = (V) removed[0];
        return v;
    }

    /** Replaces the live value of {@code key}; returns the old one, or null when there was none. */
    private V replace(K key, V value, boolean writeThrough) {
        V copy = copier.copy(value);
        Object[] old = new Object[1];
        map.computeIfPresent(key, (k, e) -> {
            if (e.expired(now())) {
                expiredInStep(key, e);
                return null;
            }
            if (writeThrough) {
                write(key, value);
            }
            old[0] = e.value;
            return updated(key, e, copy);
        });
        @SuppressWarnings("unchecked")
        V v = (V) old[0];
        return v;
    }

    /** Stores a loaded value unless a live one is there; returns the value now stored, or null. */
    private V store(K key, V loaded) {
        V copy = copier.copy(loaded);
        Object[] now = new Object[1];
        map.compute(copier.copy(key), (k, e) -> {
            if (e != null && !e.expired(now())) {
                now[0] = e.value;
                return e;
            }
            if (e != null) {
                expiredInStep(key, e);
            }
            Expirable<V> created = created(key, copy);
            now[0] = created == null ? null : copy;
            return created;
        });
        @SuppressWarnings("unchecked")
        V v = (V) now[0];
        return v;
    }

    private V loadAndStore(K key) {
        V loaded = load(loader, key);
        if (loaded == null) {
            return null;
        }
        V stored = store(key, loaded);
        return stored == null ? loaded : copier.copy(stored);
    }

    /** The outcome of an entry processor, applied inside the compute of its key. */
    private Expirable<V> applied(K key, Expirable<V> prior, ProcessorEntry<K, V> entry) {
        switch (entry.action()) {
            case NONE:
                return prior;
            case READ:
                accessedInStep(prior);
                return prior;
            case LOADED:
            case CREATED: {
                V value = entry.getValue();
                if (entry.action() == ProcessorEntry.Action.CREATED) {
                    write(key, value);
                }
                Expirable<V> created = created(key, copier.copy(value));
                if (created != null && entry.action() == ProcessorEntry.Action.CREATED) {
                    stats.puts(1);
                }
                return created;
            }
            case UPDATED: {
                V value = entry.getValue();
                write(key, value);
                stats.puts(1);
                return updated(key, prior, copier.copy(value));
            }
            case DELETED:
                delete(key);
                if (prior != null) {
                    stats.removals(1);
                    events.removed(this, key, prior.value);
                }
                return null;
            default:
                throw new IllegalStateException("unknown action " + entry.action());
        }
    }

    /** A new entry with the creation expiry, or null (and an EXPIRED event) when that expiry is zero. */
    private Expirable<V> created(K key, V copy) {
        long at = writeExpiry(true);
        if (at == 0) {
            events.expired(this, key, copy);
            return null;
        }
        events.created(this, key, copy);
        return new Expirable<>(copy, at);
    }

    private Expirable<V> updated(K key, Expirable<V> old, V copy) {
        long at = writeExpiry(false);
        events.updated(this, key, old.value, copy);
        return new Expirable<>(copy, at == UNCHANGED ? old.expireAt() : at);
    }

    private void expiredInStep(K key, Expirable<V> e) {
        events.expired(this, key, e.value);
        stats.evictions(1);
    }

    // ---- expiry

    /** The live entry of {@code key}, or null; an expired one is removed with its event. */
    private Expirable<V> live(K key) {
        Expirable<V> e = map.get(key);
        if (e == null) {
            return null;
        }
        if (e.expired(now())) {
            map.computeIfPresent(key, (k, current) -> {
                if (current == e) {
                    expiredInStep(key, e);
                    return null;
                }
                return current;
            });
            return null;
        }
        return e;
    }

    /** After a read outside a compute: the access expiry, also told to Caffeine. */
    private void accessed(K key, Expirable<V> e) {
        if (accessedInStep(e)) {
            store.policy().expireVariably().ifPresent(p -> p.setExpiresAfter(key, storeNanos(e), TimeUnit.NANOSECONDS));
        }
    }

    /** The access expiry on the entry only (Caffeine reads it when the compute ends); true when it changed. */
    private boolean accessedInStep(Expirable<V> e) {
        Duration d;
        try {
            d = expiry.getExpiryForAccess();
        } catch (RuntimeException ex) {
            LOG.warn("The expiry policy of cache {} failed; the entry's expiry stays as it was", name, ex);
            return false;
        }
        if (d == null) {
            return false;
        }
        e.expireAt(d.isZero() ? 0 : d.isEternal() ? Expirable.ETERNAL : adjusted(d));
        return true;
    }

    /** The expiry of a created (or updated) entry: 0 to not keep it, {@link #UNCHANGED} to keep the old one. */
    private long writeExpiry(boolean creation) {
        Duration d;
        try {
            d = creation ? expiry.getExpiryForCreation() : expiry.getExpiryForUpdate();
        } catch (RuntimeException ex) {
            LOG.warn("The expiry policy of cache {} failed; the entry keeps its expiry", name, ex);
            d = null;
        }
        if (d == null) {
            return creation ? Expirable.ETERNAL : UNCHANGED;
        }
        if (d.isZero()) {
            return 0;
        }
        return d.isEternal() ? Expirable.ETERNAL : adjusted(d);
    }

    private long adjusted(Duration d) {
        long at = d.getAdjustedTime(now());
        return at == 0 || at == Long.MAX_VALUE ? at - 1 : at;
    }

    private long storeNanos(Expirable<V> e) {
        long at = e.expireAt();
        if (at == Expirable.ETERNAL) {
            return Long.MAX_VALUE;
        }
        long millis = Math.max(0, at - now()) + GRACE_MILLIS;
        return TimeUnit.MILLISECONDS.toNanos(millis);
    }

    private long now() {
        return clock.millis();
    }

    // ---- integration

    static <K, V> V load(CacheLoader<K, V> loader, K key) {
        try {
            return loader.load(key);
        } catch (CacheLoaderException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new CacheLoaderException("the cache loader failed on key " + key, e);
        }
    }

    private static <K, V> Map<K, V> loadAll(CacheLoader<K, V> loader, Collection<K> keys) {
        try {
            Map<K, V> m = loader.loadAll(keys);
            return m == null ? Map.of() : m;
        } catch (CacheLoaderException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new CacheLoaderException("the cache loader failed", e);
        }
    }

    private void write(K key, V value) {
        if (!config.isWriteThrough() || writer == null) {
            return;
        }
        try {
            writer.write(new JEntry<>(key, value));
        } catch (CacheWriterException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new CacheWriterException("the cache writer failed on key " + key, e);
        }
    }

    private void delete(K key) {
        if (!config.isWriteThrough() || writer == null) {
            return;
        }
        try {
            writer.delete(key);
        } catch (CacheWriterException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new CacheWriterException("the cache writer failed on key " + key, e);
        }
    }

    // ---- helpers

    /** Runs {@code step}, then delivers its events, also when it failed (the failure wins). */
    private <T> T deliverAfter(Supplier<T> step) {
        T result;
        try {
            result = step.get();
        } catch (RuntimeException | Error e) {
            try {
                events.deliver();
            } catch (CacheEntryListenerException l) {
                e.addSuppressed(l);
            }
            throw e;
        }
        events.deliver();
        return result;
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("cache " + name + " is closed");
        }
    }

    private void requireEntry(K key, V value) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
    }

    private static void requireKeys(Set<?> keys) {
        Objects.requireNonNull(keys, "keys");
        for (Object k : keys) {
            Objects.requireNonNull(k, "a key");
        }
    }

    private void closeQuietly(Object o) {
        if (o instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.warn("Closing {} of cache {} failed", o, name, e);
            }
        }
    }

    /** The iterator: live entries only, each read counted as a hit and moving its access expiry. */
    private final class Entries implements Iterator<Cache.Entry<K, V>> {
        private final Iterator<Map.Entry<K, Expirable<V>>> delegate = map.entrySet().iterator();
        private Map.Entry<K, Expirable<V>> next;
        private K last;

        @Override
        public boolean hasNext() {
            while (next == null && delegate.hasNext()) {
                Map.Entry<K, Expirable<V>> e = delegate.next();
                if (!e.getValue().expired(now())) {
                    accessed(e.getKey(), e.getValue());
                    next = e;
                }
            }
            return next != null;
        }

        @Override
        public Cache.Entry<K, V> next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            stats.hits(1);
            Map.Entry<K, Expirable<V>> e = next;
            next = null;
            last = e.getKey();
            return new JEntry<>(copier.copy(e.getKey()), copier.copy(e.getValue().value));
        }

        @Override
        public void remove() {
            if (last == null) {
                throw new IllegalStateException("next() was not called, or remove() was already called");
            }
            JCache.this.remove(last);
            last = null;
        }
    }

    private enum NoCompletion implements CompletionListener {
        INSTANCE;

        @Override
        public void onCompletion() {
        }

        @Override
        public void onException(Exception e) {
        }
    }
}
