package io.bulwark.cache.jcache;

import io.bulwark.cache.CacheCodec;
import io.bulwark.cache.CacheConfig;
import io.bulwark.cache.CacheRedis;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.cache.configuration.CompleteConfiguration;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.Duration;

/**
 * A JSR-107 configuration with what JSR-107 has no word for: the L1's maximum size, and the
 * Bulwark cache a JCache cache sits over. Made from a Bulwark {@link CacheConfig}, so a cache
 * declared once in Bulwark's configuration can be opened through {@code javax.cache} too.
 *
 * <pre>{@code
 * CacheManager manager = Caching.getCachingProvider(BulwarkCachingProvider.class.getName()).getCacheManager();
 * javax.cache.Cache<String, Product> products = manager.createCache("products",
 *         BulwarkConfiguration.of(productsConfig, String.class, Product.class));
 * }</pre>
 *
 * <p>When the {@code CacheConfig} has an L2, the JCache cache reads and writes through a Bulwark
 * two-level cache built from it (its name, namespace and version name the Redis keys), so every
 * node with the same configuration, and any plain {@link io.bulwark.cache.Cache} built from it,
 * shares values and invalidations; docs/cache.md lists which JSR-107 features hold over the L2.
 * Keys are stored as their {@code toString()}, values through {@link #setCodec a codec} (JSON of
 * the value type by default). The Bulwark parts (the {@code CacheConfig}, Redis, codec) are not
 * serialized with the configuration.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class BulwarkConfiguration<K, V> extends MutableConfiguration<K, V> {

    private static final long serialVersionUID = 1L;

    private long maximumSize;
    private transient CacheConfig cacheConfig;
    private transient CacheRedis redis;
    private transient CacheCodec<V> codec;

    /** An unbounded configuration with JSR-107's defaults. */
    public BulwarkConfiguration() {
    }

    /** A copy of {@code other} (and of its maximum size, if it is a {@code BulwarkConfiguration}). */
    public BulwarkConfiguration(CompleteConfiguration<K, V> other) {
        super(other);
        if (other instanceof BulwarkConfiguration<K, V> b) {
            this.maximumSize = b.maximumSize;
            this.cacheConfig = b.cacheConfig;
            this.redis = b.redis;
            this.codec = b.codec;
        }
    }

    /**
     * The configuration of the cache {@code config} declares: its maximum size, its ttl as the
     * expiry after creation, statistics on, and values held by reference as in a Bulwark cache's
     * L1. Without an L2 the JCache cache is a Caffeine cache of the process; with one it sits over a
     * Bulwark two-level cache built from {@code config} (on its Redis URL, or on {@link #setRedis}).
     */
    public static <K, V> BulwarkConfiguration<K, V> of(CacheConfig config, Class<K> keyType, Class<V> valueType) {
        Objects.requireNonNull(config, "config");
        BulwarkConfiguration<K, V> c = new BulwarkConfiguration<>();
        c.setTypes(keyType, valueType);
        c.setStoreByValue(false);
        c.setStatisticsEnabled(true);
        c.setExpiryPolicyFactory(CreatedExpiryPolicy.factoryOf(new Duration(TimeUnit.MILLISECONDS, config.ttl().toMillis())));
        c.setMaximumSize(config.maximumSize());
        c.cacheConfig = config;
        return c;
    }

    /** The Bulwark cache this configuration was made from, if it was. */
    public Optional<CacheConfig> getCacheConfig() {
        return Optional.ofNullable(cacheConfig);
    }

    /** Shared Redis connections for the L2 (default: the cache opens its own on the {@code CacheConfig}'s URL). */
    public Optional<CacheRedis> getRedis() {
        return Optional.ofNullable(redis);
    }

    /** Puts the L2 on {@code value}, shared with other caches and left open when the cache closes. */
    public BulwarkConfiguration<K, V> setRedis(CacheRedis value) {
        this.redis = Objects.requireNonNull(value, "redis");
        return this;
    }

    /** How values are written to the L2, if not JSON of the value type. */
    public Optional<CacheCodec<V>> getCodec() {
        return Optional.ofNullable(codec);
    }

    /** Writes values to the L2 with {@code value} instead of JSON of the value type. */
    public BulwarkConfiguration<K, V> setCodec(CacheCodec<V> value) {
        this.codec = Objects.requireNonNull(value, "codec");
        return this;
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
        return o instanceof BulwarkConfiguration<?, ?> b && super.equals(o) && maximumSize == b.maximumSize
                && Objects.equals(cacheConfig, b.cacheConfig) && redis == b.redis && codec == b.codec;
    }

    @Override
    public int hashCode() {
        return 31 * (31 * super.hashCode() + Long.hashCode(maximumSize)) + Objects.hashCode(cacheConfig);
    }
}
