package io.bulwark.cache.jcache;

import io.bulwark.cache.CacheConfig;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import javax.cache.configuration.CompleteConfiguration;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.Duration;

/**
 * A JSR-107 configuration with what JSR-107 has no word for: the L1's maximum size. Made from a
 * Bulwark {@link CacheConfig}, so a cache declared once in Bulwark's configuration can be opened
 * through {@code javax.cache} too.
 *
 * <pre>{@code
 * CacheManager manager = Caching.getCachingProvider(BulwarkCachingProvider.class.getName()).getCacheManager();
 * javax.cache.Cache<String, Product> products = manager.createCache("products",
 *         BulwarkConfiguration.of(productsConfig, String.class, Product.class));
 * }</pre>
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class BulwarkConfiguration<K, V> extends MutableConfiguration<K, V> {

    private static final long serialVersionUID = 1L;

    private long maximumSize;

    /** An unbounded configuration with JSR-107's defaults. */
    public BulwarkConfiguration() {
    }

    /** A copy of {@code other} (and of its maximum size, if it is a {@code BulwarkConfiguration}). */
    public BulwarkConfiguration(CompleteConfiguration<K, V> other) {
        super(other);
        if (other instanceof BulwarkConfiguration<K, V> b) {
            this.maximumSize = b.maximumSize;
        }
    }

    /**
     * The configuration of {@code config}'s L1: its maximum size, its ttl as the expiry after
     * creation, statistics on, and values held by reference as in a Bulwark cache's L1.
     */
    public static <K, V> BulwarkConfiguration<K, V> of(CacheConfig config, Class<K> keyType, Class<V> valueType) {
        Objects.requireNonNull(config, "config");
        BulwarkConfiguration<K, V> c = new BulwarkConfiguration<>();
        c.setTypes(keyType, valueType);
        c.setStoreByValue(false);
        c.setStatisticsEnabled(true);
        c.setExpiryPolicyFactory(CreatedExpiryPolicy.factoryOf(new Duration(TimeUnit.MILLISECONDS, config.ttl().toMillis())));
        c.setMaximumSize(config.maximumSize());
        return c;
    }

    /** The most entries the cache keeps, the least recently useful evicted first; 0 for no bound. */
    public long getMaximumSize() {
        return maximumSize;
    }

    /** Sets the most entries the cache keeps; 0 for no bound. */
    public BulwarkConfiguration<K, V> setMaximumSize(long value) {
        if (value < 0) {
            throw new IllegalArgumentException("maximumSize must be >= 0 (0: no bound) but was " + value);
        }
        this.maximumSize = value;
        return this;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BulwarkConfiguration<?, ?> b && super.equals(o) && maximumSize == b.maximumSize;
    }

    @Override
    public int hashCode() {
        return 31 * super.hashCode() + Long.hashCode(maximumSize);
    }
}
