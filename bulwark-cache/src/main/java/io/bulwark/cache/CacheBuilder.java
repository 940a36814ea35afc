package io.bulwark.cache;

import com.github.benmanes.caffeine.cache.Ticker;
import io.bulwark.cache.internal.Parts;
import io.bulwark.cache.internal.TwoLevelCache;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Collection;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.ToIntFunction;

/**
 * Builds a {@link Cache}; from {@link Caches#builder}. The settings of {@link CacheConfig} have
 * setters here too; the others are code: codec, key type, loader, tagger, warmer, weigher,
 * clock, executor, meter registry. Each setter checks its value at once.
 *
 * <pre>{@code
 * Cache<Long, Product> products = Caches.builder("products", Product.class)
 *         .keys(Long.class)
 *         .maximumSize(50_000)
 *         .l2(redis)                          // a shared CacheRedis, or .l2("redis://host:6379")
 *         .ttl(Duration.ofMinutes(10))
 *         .refreshAfter(Duration.ofMinutes(8))
 *         .tagger((id, p) -> Set.of("category:" + p.category()))
 *         .meterRegistry(registry)
 *         .build();
 * }</pre>
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class CacheBuilder<K, V> {

    private final CacheConfig.Builder config;
    private final CacheCodec<V> codec;
    private Function<? super K, String> keyEncoder;
    private CacheRedis redis;
    private Function<? super K, ? extends V> loader;
    private BiFunction<? super K, ? super V, ? extends Collection<String>> tagger;
    private CacheWarmer<K, V> warmer;
    private long maximumWeight;
    private ToIntFunction<? super V> weigher;
    private InstantSource clock;
    private Ticker ticker;
    private Executor executor = ForkJoinPool.commonPool();
    private MeterRegistry registry;

    CacheBuilder(CacheConfig.Builder config, CacheCodec<V> codec, Function<? super K, String> keyEncoder) {
        this.config = config;
        this.codec = Objects.requireNonNull(codec, "codec");
        this.keyEncoder = keyEncoder;
    }

    /**
     * Keys of {@code type} ({@code String}, a number, {@code UUID}, an enum, ...), stored in Redis
     * as their {@code toString()}. Call before the loader, tagger and warmer, which take keys.
     */
    public <K2> CacheBuilder<K2, V> keys(Class<K2> type) {
        Objects.requireNonNull(type, "type");
        return keys(String::valueOf);
    }

    /**
     * Keys turned into the strings stored in Redis and used in messages by {@code encoder}, which
     * must give equal strings exactly for equal keys. Call before the loader, tagger and warmer.
     */
    @SuppressWarnings("unchecked")
    public <K2> CacheBuilder<K2, V> keys(Function<? super K2, String> encoder) {
        Objects.requireNonNull(encoder, "encoder");
        if (loader != null || tagger != null || warmer != null) {
            throw new IllegalStateException("set the key type before the loader, tagger and warmer, which take keys");
        }
        CacheBuilder<K2, V> self = (CacheBuilder<K2, V>) this;
        self.keyEncoder = encoder;
        return self;
    }

    /** Whether the cache has an L1 (default true). */
    public CacheBuilder<K, V> l1(boolean enabled) {
        config.l1(enabled);
        return this;
    }

    /** How many entries the L1 keeps at most (default 10,000). */
    public CacheBuilder<K, V> maximumSize(long value) {
        config.maximumSize(value);
        return this;
    }

    /** Bounds the L1 by total weight instead of entry count; {@code weigher} weighs one value (>= 0). */
    public CacheBuilder<K, V> weigher(long maximumWeight, ToIntFunction<? super V> weigher) {
        if (maximumWeight < 1) {
            throw new IllegalArgumentException("maximumWeight must be >= 1 but was " + maximumWeight);
        }
        this.maximumWeight = maximumWeight;
        this.weigher = Objects.requireNonNull(weigher, "weigher");
        return this;
    }

    /** An L2 on the Redis at {@code uri}, with connections of the cache's own (closed with it). */
    public CacheBuilder<K, V> l2(String uri) {
        config.l2(uri);
        return this;
    }

    /** An L2 on {@code redis}, shared with other caches (left open when the cache closes). */
    public CacheBuilder<K, V> l2(CacheRedis redis) {
        this.redis = Objects.requireNonNull(redis, "redis");
        config.l2(true);
        return this;
    }

    /** How long an entry lives after it was written (default 10m). */
    public CacheBuilder<K, V> ttl(Duration value) {
        config.ttl(value);
        return this;
    }

    /** Serve, and reload in the background, an entry read after this age; shorter than the ttl. */
    public CacheBuilder<K, V> refreshAfter(Duration value) {
        config.refreshAfter(value);
        return this;
    }

    /** Tags every entry of the cache carries. */
    public CacheBuilder<K, V> tags(String... values) {
        config.tags(values);
        return this;
    }

    /** Adds tags per entry, from its key and value (a product's category, say). */
    public CacheBuilder<K, V> tagger(BiFunction<? super K, ? super V, ? extends Collection<String>> value) {
        this.tagger = Objects.requireNonNull(value, "tagger");
        return this;
    }

    /** The prefix of the cache's Redis keys (default {@value CacheConfig#DEFAULT_NAMESPACE}). */
    public CacheBuilder<K, V> namespace(String value) {
        config.namespace(value);
        return this;
    }

    /** The value-format version in the cache's Redis keys (default 1): bump it when the value's format changes. */
    public CacheBuilder<K, V> version(String value) {
        config.version(value);
        return this;
    }

    /** One load per fleet on a miss, under a Redis lock of this lease (default off: one per node). */
    public CacheBuilder<K, V> fleetLock(Duration lease) {
        config.fleetLock(lease);
        return this;
    }

    /** Probabilistic early refresh factor (default 1; 0 turns it off). */
    public CacheBuilder<K, V> earlyRefreshBeta(double beta) {
        config.earlyRefreshBeta(beta);
        return this;
    }

    /** While Redis is away, how long between attempts to reach it (default 1s). */
    public CacheBuilder<K, V> recoveryBackoff(Duration value) {
        config.recoveryBackoff(value);
        return this;
    }

    /** The loader of {@link Cache#get(Object)} and {@link Cache#getAll(Collection)}. */
    public CacheBuilder<K, V> loader(Function<? super K, ? extends V> value) {
        this.loader = Objects.requireNonNull(value, "loader");
        return this;
    }

    /** The source of {@link Cache#warm()}; with {@code onStart}, {@link #build()} starts a warm-up. */
    public CacheBuilder<K, V> warmer(CacheWarmer<K, V> value, boolean onStart) {
        this.warmer = Objects.requireNonNull(value, "warmer");
        config.warmOnStart(onStart);
        return this;
    }

    /** Keys per call of the warmer (default 100). */
    public CacheBuilder<K, V> warmBatchSize(int value) {
        config.warmBatchSize(value);
        return this;
    }

    /**
     * The clock of expiry and refresh (entries carry times of this clock into Redis, so the nodes'
     * clocks should agree to within a small part of the ttl). A test passes a
     * {@link io.bulwark.core.time.SettableClock}; unless {@link #ticker} is set too, the L1's
     * Caffeine ticker then follows this clock.
     */
    public CacheBuilder<K, V> clock(InstantSource value) {
        this.clock = Objects.requireNonNull(value, "clock");
        return this;
    }

    /** Caffeine's ticker for the L1 and for load times (default: follows {@link #clock}, else System.nanoTime). */
    public CacheBuilder<K, V> ticker(Ticker value) {
        this.ticker = Objects.requireNonNull(value, "ticker");
        return this;
    }

    /**
     * Where refreshes and warm-ups run, and Caffeine's upkeep (default the common pool). Loads on a
     * miss run on the caller's thread. A test passes {@code Runnable::run} to run them in place.
     */
    public CacheBuilder<K, V> executor(Executor value) {
        this.executor = Objects.requireNonNull(value, "executor");
        return this;
    }

    /** Where the cache's meters go (default: none; {@link Cache#stats()} works either way). */
    public CacheBuilder<K, V> meterRegistry(MeterRegistry value) {
        this.registry = Objects.requireNonNull(value, "meterRegistry");
        return this;
    }

    /**
     * Builds the cache; with an L2 it subscribes to its channel (without failing if Redis is down).
     *
     * @throws IllegalArgumentException naming the setting when the configuration is inconsistent
     * @throws IllegalStateException when an L2 has no Redis, or warm-on-start no warmer
     */
    public Cache<K, V> build() {
        CacheConfig c = config.build();
        CacheRedis l2Redis = redis;
        AutoCloseable owned = null;
        if (c.l2() && l2Redis == null) {
            String uri = c.redisUri().orElseThrow(() -> new IllegalStateException(
                    "cache '" + c.name() + "' has an L2 but no Redis: set l2(\"redis://host:port\") or l2(CacheRedis)"));
            l2Redis = CacheRedis.connect(uri);
            owned = l2Redis;
        }
        if (c.warmOnStart() && warmer == null) {
            throw new IllegalStateException("cache '" + c.name() + "' warms on start but has no warmer");
        }
        InstantSource clk = clock == null ? InstantSource.system() : clock;
        Ticker tick = ticker != null ? ticker : clock == null ? Ticker.systemTicker() : () -> epochNanos(clk);
        try {
            TwoLevelCache<K, V> cache = new TwoLevelCache<>(new Parts<>(c, codec, keyEncoder,
                    c.l2() ? l2Redis.link() : null, owned, loader, tagger, warmer, maximumWeight, weigher, clk, tick,
                    executor, registry));
            cache.started();
            return cache;
        } catch (RuntimeException e) {
            if (owned != null) {
                l2Redis.close();
            }
            throw e;
        }
    }

    private static long epochNanos(InstantSource clock) {
        java.time.Instant now = clock.instant();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }
}
