package io.bulwark.bench.cache;

import io.bulwark.bench.Machine;
import io.bulwark.bench.http.DurationConverter;
import io.bulwark.cache.Cache;
import io.bulwark.cache.CacheRedis;
import io.bulwark.cache.Caches;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bulwark-bench cache}: a Zipf-distributed read workload (s = 0.99 over 1,000,000 keys by
 * default) on a cache with an L1 of 10,000 entries, once with the L1 alone and once with an L2 on
 * the local Redis, each read a {@code get(key, loader)} whose loader costs a fixed time. Prints
 * the hit ratio of each level, the share of reads served without the loader against the seed
 * target of 90%, reads/s and loader calls/s. The L2's keys live under a namespace of the run and
 * are deleted afterwards.
 *
 * <pre>{@code
 * scripts/bench.sh cache --keys 1000000 --l1-size 10000 --warmup 500000 --reads 1000000 --threads 2
 * }</pre>
 */
@Command(name = "cache", mixinStandardHelpOptions = true,
        description = "Zipf read workload on bulwark-cache: hit ratio per level and loader calls/s, L1 alone and L1 + Redis L2.")
public final class CacheBenchCommand implements Callable<Integer> {

    static final double TARGET = 0.90;

    @Option(names = "--keys", defaultValue = "1000000", description = "Distinct keys (default ${DEFAULT-VALUE}).")
    int keys;

    @Option(names = "--exponent", defaultValue = "0.99", description = "Zipf exponent s (default ${DEFAULT-VALUE}).")
    double exponent;

    @Option(names = "--l1-size", defaultValue = "10000", description = "L1 entries (default ${DEFAULT-VALUE}).")
    long l1Size;

    @Option(names = "--warmup", defaultValue = "500000", description = "Reads before measuring (default ${DEFAULT-VALUE}).")
    long warmup;

    @Option(names = "--reads", defaultValue = "1000000", description = "Measured reads (default ${DEFAULT-VALUE}).")
    long reads;

    @Option(names = "--threads", defaultValue = "2", description = "Reader threads (default ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--loader-cost", defaultValue = "100us", converter = DurationConverter.class,
            description = "Time one loader call takes (default ${DEFAULT-VALUE}).")
    Duration loaderCost;

    @Option(names = "--redis", defaultValue = "redis://127.0.0.1:6379", description = "The L2's Redis (default ${DEFAULT-VALUE}).")
    String redis;

    @Override
    public Integer call() throws Exception {
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
                .setLevel(ch.qos.logback.classic.Level.WARN);
        System.out.println(Machine.current().describe());
        System.out.printf(Locale.ROOT, "Zipf s=%.2f over %,d keys, L1 %,d entries, %d threads, loader %s, %,d warm-up + %,d "
                + "measured reads%n%n", exponent, keys, l1Size, threads, loaderCost, warmup, reads);
        ZipfReads workload = new ZipfReads(keys, exponent, threads, loaderCost);
        String namespace = "bench:cache-zipf:" + UUID.randomUUID().toString().substring(0, 8);
        System.out.printf("%-8s %10s %10s %12s %12s %12s %14s%n", "levels", "L1 hit", "L2 hit", "no loader", "reads/s",
                "loader/s", "vs 90% target");
        try (Cache<String, String> l1 = Caches.builder("zipf-l1", String.class).maximumSize(l1Size)
                .ttl(Duration.ofHours(1)).build()) {
            print("l1", workload.run(l1, warmup, reads, 42));
        }
        try (CacheRedis shared = CacheRedis.builder().uri(redis).commandTimeout(Duration.ofSeconds(2)).build();
             Cache<String, String> both = Caches.builder("zipf-l1l2", String.class).maximumSize(l1Size).l2(shared)
                     .namespace(namespace).ttl(Duration.ofHours(1)).build()) {
            both.getIfPresent("connect"); // opens the shared connection before the readers race to it
            print("l1,l2", workload.run(both, warmup, reads, 42));
        } finally {
            clean(namespace);
        }
        return 0;
    }

    private static void print(String levels, ZipfReads.Result r) {
        System.out.printf(Locale.ROOT, "%-8s %9.1f%% %10s %11.1f%% %,12.0f %,12.0f %14s%n", levels, r.l1().ratio() * 100,
                r.l2() == null ? "-" : String.format(Locale.ROOT, "%.1f%%", r.l2().ratio() * 100), r.hitRatio() * 100,
                r.readsPerSecond(), r.loadsPerSecond(), r.hitRatio() >= TARGET ? "met" : "missed");
    }

    /** Deletes the run's keys (SCAN + UNLINK, in batches, so Redis is never blocked for long). */
    private void clean(String namespace) {
        RedisClient client = RedisClient.create(redis);
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            RedisCommands<String, String> r = c.sync();
            ScanCursor cursor = ScanCursor.INITIAL;
            do {
                var page = r.scan(cursor, ScanArgs.Builder.matches(namespace + "*").limit(1000));
                if (!page.getKeys().isEmpty()) {
                    r.unlink(page.getKeys().toArray(String[]::new));
                }
                cursor = page;
            } while (!cursor.isFinished());
        } finally {
            client.shutdown();
        }
    }
}
