package io.bulwark.bench.jmh.cache;

import com.github.benmanes.caffeine.cache.Caffeine;
import io.bulwark.cache.Cache;
import io.bulwark.cache.CacheRedis;
import io.bulwark.cache.Caches;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.redisson.Redisson;
import org.redisson.api.RLocalCachedMap;
import org.redisson.api.RedissonClient;
import org.redisson.api.options.LocalCachedMapOptions;
import org.redisson.client.codec.StringCodec;
import org.redisson.config.Config;

/**
 * The read paths of {@code bulwark-cache} beside their floors and a peer, in one run, on the local
 * Redis (127.0.0.1:6379), from one thread (the time of one read, not the machine's capacity):
 * <ul>
 *   <li>L1 hit: {@code Cache.get(key, loader)} of a key the L1 holds, beside bare Caffeine's
 *       {@code get(key, loader)} without and with its statistics ({@code recordStats()}, which count
 *       every hit as the L1 does), Caffeine configured as the L1 is (the floor of its design:
 *       synchronous, statistics, no Caffeine expiry, each value held with its own expiry and
 *       compared with the clock) and Redisson's {@code RLocalCachedMap.get} served from its local cache;</li>
 *   <li>L1 miss + L2 hit: a two-level cache whose L1 holds one entry, read over 1,024 keys (so
 *       nearly every read misses the L1, reads Redis and fills the L1), beside an L2-only cache
 *       (no L1 work), a bare Lettuce {@code GET} of a value of the same size on the same Redis
 *       (the floor: one round trip), and Redisson's local-cached map with a local cache of one entry
 *       (its miss path: an {@code HGET}).</li>
 *   <li>getAll of 100 keys missing from both levels ({@link GetAllMiss}): one {@code MGET}, one call
 *       of the loader, and the fills of the L2 (the invocation's setup empties both levels, unmeasured).</li>
 * </ul>
 * Values are 100-character strings; keys are picked at random per call.
 *
 * <pre>{@code
 * scripts/bench.sh jmh CacheBenchmark -f 1 -wi 2 -i 3 -w 2s -r 2s
 * }</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Threads(1)
public class CacheBenchmark {

    private static final String URI = "redis://127.0.0.1:6379";
    private static final int KEYS = 1024;
    private static final String VALUE = "v".repeat(100);
    private static final Function<String, String> LOADER = k -> VALUE;

    private String[] keys;
    private CacheRedis redis;
    private Cache<String, String> l1Only;
    private Cache<String, String> twoLevelTinyL1;
    private Cache<String, String> l2Only;
    private com.github.benmanes.caffeine.cache.Cache<String, String> caffeine;
    /** Bare Caffeine with what the L1 is asked to have: a size bound, expiry and its own statistics. */
    private com.github.benmanes.caffeine.cache.Cache<String, String> caffeineWithStats;
    /**
     * Caffeine as Bulwark's L1 configures it: synchronous, statistics, no expiry of Caffeine's; each value
     * is held with its own expiry, which the read compares with the clock (the L1's entry, reduced to that).
     */
    private com.github.benmanes.caffeine.cache.Cache<String, Held> caffeineLikeL1;

    private RedisClient lettuceClient;
    private StatefulRedisConnection<String, String> lettuceConnection;
    private RedisCommands<String, String> lettuce;
    private String[] lettuceKeys;

    private RedissonClient redisson;
    private RLocalCachedMap<String, String> redissonHot;
    private RLocalCachedMap<String, String> redissonTiny;
    private String namespace;

    @Setup(Level.Trial)
    public void setUp() {
        // Without a configuration Logback logs Lettuce, Netty and Redisson at DEBUG: quiet them.
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
                .setLevel(ch.qos.logback.classic.Level.WARN);
        String run = UUID.randomUUID().toString().substring(0, 8);
        namespace = "bench:cache:" + run;
        keys = new String[KEYS];
        for (int i = 0; i < KEYS; i++) {
            keys[i] = "key-" + i;
        }
        redis = CacheRedis.builder().uri(URI).commandTimeout(Duration.ofSeconds(2)).build();
        l1Only = Caches.builder("bench-l1", String.class).maximumSize(10_000).ttl(Duration.ofHours(1))
                .earlyRefreshBeta(0).executor(Runnable::run).build();
        twoLevelTinyL1 = Caches.builder("bench-l1l2", String.class).maximumSize(1).l2(redis).namespace(namespace)
                .ttl(Duration.ofHours(1)).earlyRefreshBeta(0).executor(Runnable::run).build();
        l2Only = Caches.builder("bench-l2", String.class).l1(false).l2(redis).namespace(namespace)
                .ttl(Duration.ofHours(1)).earlyRefreshBeta(0).executor(Runnable::run).build();
        caffeine = Caffeine.newBuilder().maximumSize(10_000).expireAfterWrite(Duration.ofHours(1))
                .executor(Runnable::run).build();
        caffeineWithStats = Caffeine.newBuilder().maximumSize(10_000).expireAfterWrite(Duration.ofHours(1))
                .recordStats().executor(Runnable::run).build();
        caffeineLikeL1 = Caffeine.newBuilder().maximumSize(10_000).recordStats().executor(Runnable::run).build();
        long expiresAt = System.currentTimeMillis() + Duration.ofHours(1).toMillis();
        for (String k : keys) {
            caffeineLikeL1.put(k, new Held(VALUE, expiresAt));
            l1Only.put(k, VALUE);
            twoLevelTinyL1.put(k, VALUE);
            l2Only.put(k, VALUE);
            caffeine.put(k, VALUE);
            caffeineWithStats.put(k, VALUE);
        }

        lettuceClient = RedisClient.create(URI);
        lettuceConnection = lettuceClient.connect();
        lettuce = lettuceConnection.sync();
        lettuceKeys = new String[KEYS];
        for (int i = 0; i < KEYS; i++) {
            lettuceKeys[i] = namespace + ":lettuce:" + i;
            lettuce.set(lettuceKeys[i], VALUE);
        }

        Config config = new Config();
        config.setCodec(StringCodec.INSTANCE);
        config.useSingleServer().setAddress(URI).setConnectionMinimumIdleSize(1).setConnectionPoolSize(2);
        redisson = Redisson.create(config);
        redissonHot = redisson.getLocalCachedMap(LocalCachedMapOptions.<String, String>name(namespace + ":redisson-hot")
                .cacheSize(10_000));
        redissonTiny = redisson.getLocalCachedMap(LocalCachedMapOptions.<String, String>name(namespace + ":redisson-tiny")
                .cacheSize(1).evictionPolicy(LocalCachedMapOptions.EvictionPolicy.LRU));
        for (String k : keys) {
            redissonHot.fastPut(k, VALUE);
            redissonTiny.fastPut(k, VALUE);
        }
        for (String k : keys) {
            redissonHot.get(k); // fills its local cache
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        List<String> left = lettuce.keys(namespace + "*");
        if (!left.isEmpty()) {
            lettuce.del(left.toArray(String[]::new));
        }
        l1Only.close();
        twoLevelTinyL1.close();
        l2Only.close();
        redis.close();
        lettuceConnection.close();
        lettuceClient.shutdown();
        redisson.shutdown();
    }

    private String key() {
        return keys[ThreadLocalRandom.current().nextInt(KEYS)];
    }

    @Benchmark
    public String l1Hit_bulwark() {
        return l1Only.get(key(), LOADER);
    }

    @Benchmark
    public String l1Hit_caffeine() {
        return caffeine.get(key(), LOADER);
    }

    @Benchmark
    public String l1Hit_caffeineWithStats() {
        return caffeineWithStats.get(key(), LOADER);
    }

    @Benchmark
    public String l1Hit_caffeineAsLikeL1() {
        Held h = caffeineLikeL1.getIfPresent(key()); // counts the hit in Caffeine's statistics
        return h != null && h.expiresAtMillis() > System.currentTimeMillis() ? h.value() : null;
    }

    /** A value and its own expiry (clock milliseconds), as an L1 entry holds them. */
    record Held(String value, long expiresAtMillis) {
    }

    @Benchmark
    public String l1Hit_redissonLocalCachedMap() {
        return redissonHot.get(key());
    }

    @Benchmark
    public String l2Hit_bulwarkL1MissThenL2() {
        return twoLevelTinyL1.get(key(), LOADER);
    }

    @Benchmark
    public String l2Hit_bulwarkL2Only() {
        return l2Only.get(key(), LOADER);
    }

    @Benchmark
    public String l2Hit_lettuceGet() {
        return lettuce.get(lettuceKeys[ThreadLocalRandom.current().nextInt(KEYS)]);
    }

    @Benchmark
    public String l2Hit_redissonLocalCachedMapMiss() {
        return redissonTiny.get(key());
    }

    @Benchmark
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public java.util.Map<String, String> getAll100_bulwarkL1AndL2Miss(GetAllMiss s) {
        return s.cache.getAll(s.keys, GetAllMiss.LOAD_ALL);
    }

    /** A two-level cache and 100 keys that the setup of each invocation removes from both levels. */
    @State(Scope.Benchmark)
    public static class GetAllMiss {
        static final int BATCH = 100;
        static final Function<java.util.Set<String>, java.util.Map<String, String>> LOAD_ALL = ks -> {
            java.util.Map<String, String> m = new java.util.HashMap<>();
            ks.forEach(k -> m.put(k, VALUE));
            return m;
        };

        CacheRedis redis;
        Cache<String, String> cache;
        List<String> keys;
        private String namespace;

        @Setup(Level.Trial)
        public void setUp() {
            namespace = "bench:cache:" + UUID.randomUUID().toString().substring(0, 8);
            redis = CacheRedis.builder().uri(URI).commandTimeout(Duration.ofSeconds(2)).build();
            cache = Caches.builder("bench-getall", String.class).maximumSize(10_000).l2(redis).namespace(namespace)
                    .ttl(Duration.ofHours(1)).earlyRefreshBeta(0).executor(Runnable::run).build();
            keys = java.util.stream.IntStream.range(0, BATCH).mapToObj(i -> "key-" + i).toList();
        }

        /** Both levels emptied (a script dropping the key index, and the L1), outside the measured time. */
        @Setup(Level.Invocation)
        public void empty() {
            cache.invalidateAll();
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            cache.invalidateAll();
            cache.close();
            redis.close();
        }
    }
}
