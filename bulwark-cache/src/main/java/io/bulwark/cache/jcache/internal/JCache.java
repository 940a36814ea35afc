package io.bulwark.cache.jcache.internal;

import io.bulwark.cache.CacheConfig;
import io.bulwark.cache.jcache.BulwarkConfiguration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.CacheEntryListenerConfiguration;
import javax.cache.configuration.Configuration;
import javax.cache.event.CacheEntryListenerException;
import javax.cache.expiry.EternalExpiryPolicy;
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
 * A JSR-107 cache: the API's checks, statistics and event delivery around the atomic steps of its
 * {@link JEntries} ({@link JStore} in the process, or {@link JLevelsStore} over a Bulwark cache with
 * an L2), and the cache's life (listeners, MXBeans, close).
 */
public final class JCache<K, V> implements Cache<K, V> {

    private static final Logger LOG = LoggerFactory.getLogger(JCache.class);

    private final String name;
    private final JCacheManager manager;
    private final BulwarkConfiguration<K, V> config;
    private final JIntegration<K, V> integration;
    private final JExpiry expiry;
    private final Copier copier;
    private final Events<K, V> events = new Events<>();
    private final JStatistics stats = new JStatistics();
    private final JConfigurationBean bean = new JConfigurationBean(this);
    private final JEntries<K, V> store;
    private volatile boolean closed;

    JCache(JCacheManager manager, String name, BulwarkConfiguration<K, V> config, InstantSource clock) {
        this.manager = manager;
        this.name = name;
        this.config = config;
        this.copier = new Copier(config.isStoreByValue(), manager.getClassLoader());
        this.integration = new JIntegration<>(config.getCacheLoaderFactory() == null ? null : config.getCacheLoaderFactory().create(),
                writer(config), config.isReadThrough(), config.isWriteThrough());
        this.expiry = new JExpiry(config.getExpiryPolicyFactory() == null ? new EternalExpiryPolicy()
                : config.getExpiryPolicyFactory().create(), clock, name);
        this.store = config.getCacheConfig().filter(CacheConfig::l2).isPresent()
                ? JLevelsStore.open(this, config, clock, events, stats, expiry, integration, copier)
                : new JStore<>(this, config.getMaximumSize(), events, stats, expiry, integration, copier);
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
            V found = store.read(key);
            V value;
            if (found != null) {
                stats.hits(1);
                value = copier.copy(found);
            } else {
                stats.misses(1);
                value = integration.readsThrough() ? loadAndStore(key) : null;
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
            Map<K, V> found = store.readAll(keys);
            for (K key : keys) {
                V v = found.get(key);
                if (v != null) {
                    out.put(copier.copy(key), copier.copy(v));
                } else {
                    missing.add(key);
                }
            }
            stats.hits(out.size());
            stats.misses(missing.size());
            if (!missing.isEmpty() && integration.readsThrough()) {
                Map<K, V> loaded = integration.loadAll(missing);
                for (K key : missing) {
                    V v = loaded.get(key);
                    V stored = v == null ? null : store.store(key, v);
                    if (stored != null) {
                        out.put(copier.copy(key), copier.copy(stored));
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
        return deliverAfter(() -> store.contains(key));
    }

    @Override
    public void loadAll(Set<? extends K> keys, boolean replaceExistingValues, CompletionListener listener) {
        requireOpen();
        requireKeys(keys);
        CompletionListener done = listener == null ? NoCompletion.INSTANCE : listener;
        if (!integration.hasLoader()) {
            done.onCompletion();
            return;
        }
        try {
            deliverAfter(() -> {
                List<K> wanted = new ArrayList<>();
                for (K key : keys) {
                    if (replaceExistingValues || !store.contains(key)) {
                        wanted.add(key);
                    }
                }
                Map<K, V> loaded = wanted.isEmpty() ? Map.of() : integration.loadAll(wanted);
                loaded.forEach((k, v) -> {
                    if (k != null && v != null) {
                        if (replaceExistingValues) {
                            store.put(k, v, false);
                        } else {
                            store.putIfAbsent(k, v, false);
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

    private V loadAndStore(K key) {
        V loaded = integration.load(key);
        if (loaded == null) {
            return null;
        }
        V stored = store.store(key, loaded);
        return stored == null ? loaded : copier.copy(stored);
    }

    // ---- writes

    @Override
    public void put(K key, V value) {
        requireOpen();
        requireEntry(key, value);
        long start = System.nanoTime();
        JEntries.Change<V> c = deliverAfter(() -> store.put(key, value, true));
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
        JEntries.Change<V> c = deliverAfter(() -> store.put(key, value, true));
        long took = System.nanoTime() - start;
        hitOrMiss(c.old != null);
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
        Set<K> failed = new HashSet<>();
        CacheWriterException failure = integration.writeAll(entries, failed);
        int puts = deliverAfter(() -> {
            int n = 0;
            for (Map.Entry<? extends K, ? extends V> e : entries.entrySet()) {
                if (!failed.contains(e.getKey()) && store.put(e.getKey(), e.getValue(), false).written) {
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
        JEntries.Change<V> c = deliverAfter(() -> store.putIfAbsent(key, value, true));
        hitOrMiss(c.old != null);
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
        V removed = deliverAfter(() -> store.remove(key, true));
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
        JEntries.Outcome o = deliverAfter(() -> store.removeIf(key, oldValue));
        hitOrMiss(o.found());
        if (o.changed()) {
            stats.removals(1);
            stats.removeTime(System.nanoTime() - start);
        }
        return o.changed();
    }

    @Override
    public V getAndRemove(K key) {
        requireOpen();
        Objects.requireNonNull(key, "key");
        long start = System.nanoTime();
        V removed = deliverAfter(() -> store.remove(key, true));
        long took = System.nanoTime() - start;
        hitOrMiss(removed != null);
        if (removed != null) {
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
        JEntries.Outcome o = deliverAfter(() -> store.replaceIf(key, oldValue, newValue));
        long took = System.nanoTime() - start;
        hitOrMiss(o.found());
        if (o.changed()) {
            stats.puts(1);
            stats.putTime(took);
        }
        stats.getTime(took);
        return o.changed();
    }

    @Override
    public boolean replace(K key, V value) {
        return getAndReplaceNoCopy(key, value) != null;
    }

    @Override
    public V getAndReplace(K key, V value) {
        V old = getAndReplaceNoCopy(key, value);
        return old == null ? null : copier.copy(old);
    }

    private V getAndReplaceNoCopy(K key, V value) {
        requireOpen();
        requireEntry(key, value);
        long start = System.nanoTime();
        V old = deliverAfter(() -> store.replace(key, value));
        long took = System.nanoTime() - start;
        hitOrMiss(old != null);
        if (old != null) {
            stats.puts(1);
            stats.putTime(took);
        }
        stats.getTime(took);
        return old;
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
        Optional<Set<K>> keys = store.keys();
        if (keys.isPresent()) {
            removeKeys(keys.get());
        } else {
            store.clear(); // entries in Redis are not listed: see JLevelsStore
        }
    }

    private void removeKeys(Set<K> keys) {
        long start = System.nanoTime();
        Set<K> failed = new HashSet<>();
        CacheWriterException failure = integration.deleteAll(keys, failed);
        int removed = deliverAfter(() -> {
            int n = 0;
            for (K key : keys) {
                if (!failed.contains(key) && store.remove(key, false) != null) {
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
        store.clear();
    }

    // ---- entry processors

    @Override
    public <T> T invoke(K key, EntryProcessor<K, V, T> processor, Object... arguments) {
        requireOpen();
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(processor, "entryProcessor");
        Objects.requireNonNull(arguments, "arguments");
        @SuppressWarnings("unchecked")
        T result = (T) deliverAfter(() -> store.invoke(key, processor, arguments));
        return result;
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
        return store.iterator(this, stats, copier);
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
        closeQuietly(expiry.policy());
        integration.parts().forEach(this::closeQuietly);
        events.registrations().forEach(r -> closeQuietly(r.listener()));
        store.close();
    }

    @Override
    public <T> T unwrap(Class<T> clazz) {
        if (clazz.isInstance(this)) {
            return clazz.cast(this);
        }
        if (clazz.isInstance(store.delegate())) {
            return clazz.cast(store.delegate());
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

    private void hitOrMiss(boolean hit) {
        if (hit) {
            stats.hits(1);
        } else {
            stats.misses(1);
        }
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
