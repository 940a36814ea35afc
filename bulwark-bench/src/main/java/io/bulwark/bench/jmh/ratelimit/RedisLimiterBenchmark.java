package io.bulwark.bench.jmh.ratelimit;

import io.bulwark.ratelimit.Limit;
import io.bulwark.ratelimit.RateLimitConfig;
import io.bulwark.redis.RedisConnections;
import io.bulwark.redis.ratelimit.RedisLimiterOptions;
import io.bulwark.redis.ratelimit.RedisRateLimiter;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.BucketProxy;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.github.bucket4j.redis.lettuce.cas.LettuceBasedProxyManager;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import java.time.Duration;
import java.time.InstantSource;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
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

/**
 * Distributed decisions per second on the local Redis (127.0.0.1:6379): Bulwark's
 * {@link RedisRateLimiter} (one EVALSHA per decision, Redis server time) against Bucket4j's
 * Lettuce integration (compare-and-swap: a GET, then a CAS script, retried on contention), in
 * the same run, on the same Redis, with the same token bucket of 1,000,000 per second (so both
 * mostly admit, and each decision does its full work), from 4 client threads by default
 * ({@code -t} changes it). Each library has one shared Lettuce connection, as in production.
 *
 * <p>Two key patterns: one hot key that every thread hits (the contention case), and 1,024 keys
 * picked at random (the usual per-client case).
 *
 * <pre>{@code
 * scripts/bench.sh jmh RedisLimiterBenchmark -f 1 -wi 2 -i 3 -w 1s -r 1s
 * }</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(4)
public class RedisLimiterBenchmark {

    private static final String URI = "redis://127.0.0.1:6379";
    private static final long PERMITS = 1_000_000;
    private static final Duration WINDOW = Duration.ofSeconds(1);
    private static final int KEYS = 1024;

    private RedisConnections bulwarkRedis;
    private RedisRateLimiter bulwark;
    private String[] bulwarkKeys;

    private RedisClient bucket4jClient;
    private StatefulRedisConnection<String, byte[]> bucket4jConnection;
    private BucketProxy bucket4jHot;
    private BucketProxy[] bucket4jBuckets;

    @Setup(Level.Trial)
    public void connect() {
        // Logback without a configuration logs Lettuce and Netty at DEBUG on every command,
        // which would measure the console instead of Redis
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
                .setLevel(ch.qos.logback.classic.Level.WARN);
        String run = UUID.randomUUID().toString().substring(0, 8);
        bulwarkRedis = RedisConnections.builder().uri(URI).commandTimeout(Duration.ofSeconds(2)).build();
        bulwark = RedisRateLimiter.builder(RateLimitConfig.of("bench", Limit.of(PERMITS, WINDOW)), bulwarkRedis)
                .options(RedisLimiterOptions.builder().keyPrefix("bench:bulwark:" + run + ":").build())
                .clock(InstantSource.system()).ticker(System::nanoTime).build();
        bulwarkKeys = new String[KEYS];
        for (int i = 0; i < KEYS; i++) {
            bulwarkKeys[i] = "client-" + i;
        }

        bucket4jClient = RedisClient.create(URI);
        bucket4jConnection = bucket4jClient.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE));
        LettuceBasedProxyManager<String> proxies = Bucket4jLettuce.casBasedBuilder(bucket4jConnection)
                .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofSeconds(10)))
                .build();
        Supplier<BucketConfiguration> config = () -> BucketConfiguration.builder()
                .addLimit(limit -> limit.capacity(PERMITS).refillGreedy(PERMITS, WINDOW))
                .build();
        String prefix = "bench:bucket4j:" + run + ":";
        bucket4jHot = proxies.builder().build(prefix + "hot", config);
        bucket4jBuckets = new BucketProxy[KEYS];
        for (int i = 0; i < KEYS; i++) {
            bucket4jBuckets[i] = proxies.builder().build(prefix + "client-" + i, config);
        }

        if (!bulwark.tryAcquire("hot").allowed() || !bucket4jHot.tryConsume(1)) {
            throw new IllegalStateException("setup is wrong: both limiters must admit the first request");
        }
        if (bulwark.state().degraded()) {
            throw new IllegalStateException("Redis at " + URI + " is not reachable: " + bulwark.state().lastError());
        }
    }

    @TearDown(Level.Trial)
    public void close() {
        bulwarkRedis.close();
        bucket4jConnection.close();
        bucket4jClient.shutdown();
    }

    @Benchmark
    public boolean bulwarkHotKey() {
        return bulwark.tryAcquire("hot").allowed();
    }

    @Benchmark
    public boolean bucket4jHotKey() {
        return bucket4jHot.tryConsume(1);
    }

    @Benchmark
    public boolean bulwarkManyKeys() {
        return bulwark.tryAcquire(bulwarkKeys[ThreadLocalRandom.current().nextInt(KEYS)]).allowed();
    }

    @Benchmark
    public boolean bucket4jManyKeys() {
        return bucket4jBuckets[ThreadLocalRandom.current().nextInt(KEYS)].tryConsume(1);
    }
}
