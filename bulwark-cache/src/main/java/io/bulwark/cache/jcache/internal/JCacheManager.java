package io.bulwark.cache.jcache.internal;

import io.bulwark.cache.jcache.BulwarkConfiguration;
import java.net.URI;
import java.time.InstantSource;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.CompleteConfiguration;
import javax.cache.configuration.Configuration;
import javax.cache.spi.CachingProvider;

/** The caches of one URI and class loader, as JSR-107 scopes them. */
public final class JCacheManager implements CacheManager {

    private final CachingProvider provider;
    private final URI uri;
    private final ClassLoader classLoader;
    private final Properties properties;
    private final Consumer<JCacheManager> onClose;
    private final InstantSource clock;
    private final Map<String, JCache<?, ?>> caches = new ConcurrentHashMap<>();
    private final Object lock = new Object();
    private volatile boolean closed;

    /** A manager; {@code onClose} lets the provider forget it. */
    public JCacheManager(CachingProvider provider, URI uri, ClassLoader classLoader, Properties properties,
                         InstantSource clock, Consumer<JCacheManager> onClose) {
        this.provider = provider;
        this.uri = uri;
        this.classLoader = classLoader;
        this.properties = properties;
        this.clock = clock;
        this.onClose = onClose;
    }

    @Override
    public CachingProvider getCachingProvider() {
        return provider;
    }

    @Override
    public URI getURI() {
        return uri;
    }

    @Override
    public ClassLoader getClassLoader() {
        return classLoader;
    }

    @Override
    public Properties getProperties() {
        return properties;
    }

    @Override
    public <K, V, C extends Configuration<K, V>> Cache<K, V> createCache(String cacheName, C configuration) {
        Objects.requireNonNull(cacheName, "cacheName");
        Objects.requireNonNull(configuration, "configuration");
        synchronized (lock) {
            requireOpen();
            if (caches.containsKey(cacheName)) {
                throw new CacheException("cache " + cacheName + " already exists in " + uri);
            }
            JCache<K, V> cache = new JCache<>(this, cacheName, complete(configuration), clock);
            caches.put(cacheName, cache);
            CompleteConfiguration<K, V> c = cache.configuration();
            cache.enableManagement(c.isManagementEnabled());
            cache.enableStatistics(c.isStatisticsEnabled());
            return cache;
        }
    }

    private static <K, V> BulwarkConfiguration<K, V> complete(Configuration<K, V> configuration) {
        if (configuration instanceof CompleteConfiguration<K, V> complete) {
            return new BulwarkConfiguration<>(complete);
        }
        BulwarkConfiguration<K, V> c = new BulwarkConfiguration<>();
        c.setTypes(configuration.getKeyType(), configuration.getValueType());
        c.setStoreByValue(configuration.isStoreByValue());
        return c;
    }

    @Override
    public <K, V> Cache<K, V> getCache(String cacheName, Class<K> keyType, Class<V> valueType) {
        Objects.requireNonNull(keyType, "keyType");
        Objects.requireNonNull(valueType, "valueType");
        Cache<K, V> cache = getCache(cacheName);
        if (cache == null) {
            return null;
        }
        CompleteConfiguration<?, ?> c = cache.getConfiguration(CompleteConfiguration.class);
        if (c.getKeyType() != keyType) {
            throw new ClassCastException("cache " + cacheName + " has keys of " + c.getKeyType().getName()
                    + ", not " + keyType.getName());
        }
        if (c.getValueType() != valueType) {
            throw new ClassCastException("cache " + cacheName + " has values of " + c.getValueType().getName()
                    + ", not " + valueType.getName());
        }
        return cache;
    }

    @Override
    public <K, V> Cache<K, V> getCache(String cacheName) {
        Objects.requireNonNull(cacheName, "cacheName");
        requireOpen();
        @SuppressWarnings("unchecked")
        Cache<K, V> cache = (Cache<K, V>) caches.get(cacheName);
        return cache;
    }

    @Override
    public Iterable<String> getCacheNames() {
        requireOpen();
        Collection<String> names = List.copyOf(caches.keySet());
        return names;
    }

    @Override
    public void destroyCache(String cacheName) {
        Objects.requireNonNull(cacheName, "cacheName");
        requireOpen();
        JCache<?, ?> cache = caches.remove(cacheName);
        if (cache != null) {
            cache.clear();
            cache.close();
        }
    }

    @Override
    public void enableManagement(String cacheName, boolean enabled) {
        Objects.requireNonNull(cacheName, "cacheName");
        requireOpen();
        JCache<?, ?> cache = caches.get(cacheName);
        if (cache != null) {
            cache.enableManagement(enabled);
        }
    }

    @Override
    public void enableStatistics(String cacheName, boolean enabled) {
        Objects.requireNonNull(cacheName, "cacheName");
        requireOpen();
        JCache<?, ?> cache = caches.get(cacheName);
        if (cache != null) {
            cache.enableStatistics(enabled);
        }
    }

    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        onClose.accept(this);
        for (JCache<?, ?> cache : List.copyOf(caches.values())) {
            cache.close();
        }
        caches.clear();
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public <T> T unwrap(Class<T> clazz) {
        if (clazz.isInstance(this)) {
            return clazz.cast(this);
        }
        throw new IllegalArgumentException("the cache manager cannot be unwrapped to " + clazz.getName());
    }

    /** A closed cache leaves the manager. */
    void forget(String name, JCache<?, ?> cache) {
        caches.remove(name, cache);
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("the cache manager " + uri + " is closed");
        }
    }
}
