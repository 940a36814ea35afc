package io.bulwark.cache;

import io.bulwark.test.services.RedisServerProcess;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.bulwark.core.health.HealthResult;
import io.bulwark.core.health.HealthStatus;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Redis going away under a cache: killed with SIGKILL and started again, paused, or down from the
 * start. No caller sees an exception, the status says DEGRADED while the L2 is bypassed, and the
 * cache uses Redis again by itself once it answers. Runs a private redis-server on a free port
 * (the shared one on 6379 stays up); the clock is real, with a short recovery back-off.
 */
class RedisOutageTest {

    private static final Duration BACKOFF = Duration.ofMillis(100);

    @TempDir
    Path logs;

    private RedisServerProcess server;
    private final List<AutoCloseable> open = new ArrayList<>();
    private final String name = TestRedis.uniqueName("outage");

    @BeforeEach
    void startRedis() throws Exception {
        server = RedisServerProcess.start(logs);
    }

    @AfterEach
    void stopRedis() throws Exception {
        for (AutoCloseable c : open.reversed()) {
            c.close();
        }
        server.close();
    }

    /** Generous: the outage and the recovery take real time (a back-off, a reconnection) on a busy machine. */
    private static ConditionFactory eventually() {
        return await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(10));
    }

    private Cache<String, Item> node(UnaryOperator<CacheBuilder<String, Item>> more) {
        CacheRedis redis = CacheRedis.builder().uri(server.uri()).commandTimeout(Duration.ofMillis(500))
                .connectTimeout(Duration.ofMillis(500)).build();
        open.add(redis);
        Cache<String, Item> cache = more.apply(Caches.builder(name, Item.class).l2(redis).recoveryBackoff(BACKOFF)).build();
        open.add(cache);
        return cache;
    }

    @Test
    void redisKilledAndRestartedDuringAReadWriteMixNeverReachesACallerAndTheCacheRecoversByItself() throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        Cache<String, Item> cache = node(b -> b.meterRegistry(meters));
        Mix mix = new Mix(cache);
        mix.start(4);
        try {
            mix.awaitMore(200);

            server.kill();
            eventually().until(() -> cache.status().degraded());
            mix.awaitMore(200); // the mix goes on, served by the loader

            CacheStatus down = cache.status();
            assertThat(down.status()).isEqualTo(HealthStatus.DEGRADED);
            assertThat(down.lastError()).isPresent();
            HealthResult health = new CacheHealthCheck(() -> List.of(cache)).check();
            assertThat(health.status()).isEqualTo(HealthStatus.DEGRADED);
            assertThat(health.details()).containsKey(name);
            assertThat(meters.get("bulwark.cache.l2.up").tag("cache", name).gauge().value()).isZero();

            server.startAgain();
            eventually().until(() -> !cache.status().degraded());
            mix.awaitMore(200);
        } finally {
            mix.stop();
        }

        assertThat(mix.errors).as("exceptions that reached a caller").isEmpty();
        assertThat(cache.status().busConnected()).isTrue();
        assertThat(meters.get("bulwark.cache.l2.up").tag("cache", name).gauge().value()).isEqualTo(1.0);
        assertThat(meters.get("bulwark.cache.l2.bypassed").tag("cache", name).functionCounter().count()).isPositive();
        // Redis is used again, for values and for messages, with another node
        Cache<String, Item> other = node(b -> b);
        cache.put("after", new Item("after", 5));
        assertThat(other.get("after", id -> new Item(id, -1))).isEqualTo(new Item("after", 5));
        other.put("after", new Item("after", 6));
        SharedL2Test.soon().until(() -> cache.get("after", id -> new Item(id, -1)).version() == 6);
    }

    @Test
    void anInvalidationMadeWhileRedisDoesNotAnswerIsReplayedWhenItDoes() throws Exception {
        Cache<String, Item> a = node(b -> b);
        Cache<String, Item> b = node(x -> x);
        a.put("k", new Item("k", 1));
        assertThat(b.get("k", id -> new Item(id, -1))).isEqualTo(new Item("k", 1)); // in b's L1

        try (RedisClient client = RedisClient.create(server.uri());
             StatefulRedisConnection<String, String> admin = client.connect()) {
            admin.sync().clientPause(1_500); // every client's commands wait 1.5 s: longer than a's timeout
            a.get("other", id -> new Item(id, 0)); // times out: a bypasses Redis now
            assertThat(a.status().degraded()).isTrue();
            a.invalidate("k"); // not sent: kept for replay
        }

        eventually().until(() -> {
            a.get("probe", id -> new Item(id, 0)); // a call after the back-off tries Redis again
            return !a.status().degraded();
        });
        SharedL2Test.soon().until(() -> b.getIfPresent("k").isEmpty());
        assertThat(b.get("k", id -> new Item(id, 2))).isEqualTo(new Item("k", 2));
    }

    @Test
    void theCallThatFindsRedisBackReplaysTheKeptInvalidationsBeforeItReads() throws Exception {
        Cache<String, Item> a = node(x -> x.l1(false)); // every read goes to the L2
        Cache<String, Item> observer = node(x -> x.l1(false));
        a.put("k", new Item("k", 1));

        try (RedisClient client = RedisClient.create(server.uri());
             StatefulRedisConnection<String, String> admin = client.connect()) {
            admin.sync().clientPause(1_500);
            a.get("other", id -> new Item(id, 0)); // times out: a bypasses Redis now
            a.invalidate("k"); // kept for replay; the L2 still holds version 1
        }

        List<Integer> seen = new ArrayList<>();
        // only a's reads may probe (no status() on a): the first that reaches Redis again is a read of k
        eventually().until(() -> {
            seen.add(a.get("k", id -> new Item(id, 3)).version());
            return observer.getIfPresent("k").map(Item::version).orElse(0) == 3;
        });
        assertThat(seen).as("no read, the probe included, returns the entry invalidated during the outage")
                .containsOnly(3);
        assertThat(a.get("k", id -> new Item(id, 4)).version()).as("filled after the replay").isEqualTo(3);
    }

    @Test
    void aRedisDownAtStartDegradesTheCacheInsteadOfFailingTheBuild() throws Exception {
        server.kill();
        Cache<String, Item> cache = node(b -> b);

        assertThat(cache.get("k", id -> new Item(id, 1))).isEqualTo(new Item("k", 1));
        assertThat(cache.status().degraded()).isTrue();
        assertThat(cache.status().busConnected()).isFalse();

        server.startAgain();
        eventually().until(() -> !cache.status().degraded());
        assertThat(cache.status().busConnected()).isTrue();
        Cache<String, Item> other = node(b -> b);
        other.put("k", new Item("k", 2));
        SharedL2Test.soon().until(() -> cache.get("k", id -> new Item(id, -1)).version() == 2);
    }

    /** Threads reading and writing random keys until stopped; any exception is kept. */
    private static final class Mix {
        private final Cache<String, Item> cache;
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final AtomicLong ops = new AtomicLong();
        private final Queue<Throwable> errors = new ConcurrentLinkedQueue<>();
        private final List<Thread> threads = new ArrayList<>();

        Mix(Cache<String, Item> cache) {
            this.cache = cache;
        }

        void start(int n) {
            for (int t = 0; t < n; t++) {
                threads.add(Thread.ofPlatform().name("mix-" + t).start(this::run));
            }
        }

        private void run() {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            while (running.get()) {
                String key = "k" + random.nextInt(50);
                try {
                    switch (random.nextInt(6)) {
                        case 0 -> cache.put(key, new Item(key, random.nextInt(1000)), Set.of("t" + random.nextInt(5)));
                        case 1 -> cache.invalidate(key);
                        case 2 -> cache.invalidateTag("t" + random.nextInt(5));
                        case 3 -> cache.getAll(List.of(key, "k" + random.nextInt(50)),
                                ids -> Map.of(key, new Item(key, 0)));
                        default -> cache.get(key, id -> new Item(id, 0));
                    }
                } catch (Throwable e) {
                    errors.add(e);
                }
                ops.incrementAndGet();
            }
        }

        void awaitMore(long n) {
            long target = ops.get() + n;
            eventually().until(() -> ops.get() >= target || !errors.isEmpty());
        }

        void stop() throws InterruptedException {
            running.set(false);
            for (Thread t : threads) {
                t.join();
            }
        }
    }
}
