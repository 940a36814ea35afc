package io.bulwark.cache.jcache;

import io.bulwark.cache.jcache.internal.JCacheManager;
import java.net.URI;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.WeakHashMap;
import javax.cache.CacheManager;
import javax.cache.configuration.OptionalFeature;
import javax.cache.spi.CachingProvider;

/**
 * The {@code javax.cache} (JSR-107) provider of Bulwark: caches held in the process by Caffeine,
 * the same engine as a Bulwark cache's L1, configured by standard JSR-107 configurations or by a
 * {@link BulwarkConfiguration} made from a Bulwark {@link io.bulwark.cache.CacheConfig}. These pass
 * the JSR-107 TCK 1.1.1 (run in this module's build). A {@code BulwarkConfiguration} whose
 * {@code CacheConfig} has an L2 gives instead a cache over a Bulwark two-level cache, shared by the
 * nodes through Redis, with the limits docs/cache.md lists (no iterator; conditional steps atomic
 * per node; listeners for this node's changes).
 *
 * <pre>{@code
 * CachingProvider provider = Caching.getCachingProvider(BulwarkCachingProvider.class.getName());
 * CacheManager manager = provider.getCacheManager();
 * javax.cache.Cache<String, Product> products = manager.createCache("products",
 *         new MutableConfiguration<String, Product>().setTypes(String.class, Product.class));
 * }</pre>
 *
 * <p>Found by {@link javax.cache.Caching} through {@code META-INF/services}. A manager is kept
 * per class loader and URI until it is closed.
 */
public final class BulwarkCachingProvider implements CachingProvider {

    private final Map<ClassLoader, Map<URI, JCacheManager>> managers = new WeakHashMap<>();

    /** The provider (created by {@link javax.cache.Caching}). */
    public BulwarkCachingProvider() {
    }

    @Override
    public CacheManager getCacheManager(URI uri, ClassLoader classLoader, Properties properties) {
        URI u = uri == null ? getDefaultURI() : uri;
        ClassLoader cl = classLoader == null ? getDefaultClassLoader() : classLoader;
        Properties p = properties == null ? getDefaultProperties() : properties;
        synchronized (managers) {
            return managers.computeIfAbsent(cl, any -> new HashMap<>())
                    .computeIfAbsent(u, any -> new JCacheManager(this, u, cl, p, InstantSource.system(), this::forget));
        }
    }

    @Override
    public CacheManager getCacheManager(URI uri, ClassLoader classLoader) {
        return getCacheManager(uri, classLoader, getDefaultProperties());
    }

    @Override
    public CacheManager getCacheManager() {
        return getCacheManager(getDefaultURI(), getDefaultClassLoader());
    }

    @Override
    public ClassLoader getDefaultClassLoader() {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        return context != null ? context : BulwarkCachingProvider.class.getClassLoader();
    }

    @Override
    public URI getDefaultURI() {
        return URI.create(BulwarkCachingProvider.class.getName());
    }

    @Override
    public Properties getDefaultProperties() {
        return new Properties();
    }

    @Override
    public void close() {
        synchronized (managers) {
            for (ClassLoader cl : new ArrayList<>(managers.keySet())) {
                close(cl);
            }
        }
    }

    @Override
    public void close(ClassLoader classLoader) {
        Map<URI, JCacheManager> byUri;
        synchronized (managers) {
            byUri = managers.remove(classLoader == null ? getDefaultClassLoader() : classLoader);
        }
        if (byUri != null) {
            new ArrayList<>(byUri.values()).forEach(JCacheManager::close);
        }
    }

    @Override
    public void close(URI uri, ClassLoader classLoader) {
        JCacheManager manager;
        synchronized (managers) {
            Map<URI, JCacheManager> byUri = managers.get(classLoader == null ? getDefaultClassLoader() : classLoader);
            manager = byUri == null ? null : byUri.get(uri == null ? getDefaultURI() : uri);
        }
        if (manager != null) {
            manager.close();
        }
    }

    @Override
    public boolean isSupported(OptionalFeature feature) {
        return feature == OptionalFeature.STORE_BY_REFERENCE;
    }

    private void forget(JCacheManager manager) {
        synchronized (managers) {
            Map<URI, JCacheManager> byUri = managers.get(manager.getClassLoader());
            if (byUri != null && byUri.get(manager.getURI()) == manager) {
                byUri.remove(manager.getURI());
                if (byUri.isEmpty()) {
                    managers.remove(manager.getClassLoader());
                }
            }
        }
    }
}
