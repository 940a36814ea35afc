package io.bulwark.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.bulwark.test.services.RedisServerProcess;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The L2 side of {@code getAll}: one {@code MGET}, then the loaded entries written in one script
 * call (one round trip) under one check of the change counter. Counts the commands Redis ran with
 * {@code INFO commandstats}, on a private redis-server so that no other test's commands are counted.
 */
class GetAllFillTest {

    @TempDir
    Path logs;

    private RedisServerProcess server;
    private RedisClient adminClient;
    private StatefulRedisConnection<String, String> admin;
    private final List<AutoCloseable> open = new ArrayList<>();
    private final String name = TestRedis.uniqueName("getall");

    @BeforeEach
    void startRedis() throws Exception {
        server = RedisServerProcess.start(logs);
        adminClient = RedisClient.create(server.uri());
        admin = adminClient.connect();
    }

    @AfterEach
    void stopRedis() throws Exception {
        for (AutoCloseable c : open.reversed()) {
            c.close();
        }
        admin.close();
        adminClient.shutdown();
        server.close();
    }

    private Cache<String, Item> node(UnaryOperator<CacheBuilder<String, Item>> more) {
        CacheRedis redis = TestRedis.connect(server.uri());
        open.add(redis);
        Cache<String, Item> cache = more.apply(Caches.builder(name, Item.class).l2(redis).executor(Runnable::run)).build();
        open.add(cache);
        return cache;
    }

    private static Function<Set<String>, Map<String, Item>> loadAll(int version) {
        return ids -> {
            Map<String, Item> m = new HashMap<>();
            ids.forEach(id -> m.put(id, new Item(id, version)));
            return m;
        };
    }

    private static List<String> keys(String prefix, int n) {
        return IntStream.range(0, n).mapToObj(i -> prefix + i).toList();
    }

    /** What the cache's scripts run inside Redis: counted by INFO commandstats too, but no round trips. */
    private static final Set<String> IN_SCRIPTS = Set.of("get", "set", "zadd", "zremrangebyscore", "pttl", "pexpire");

    /** Calls per command a client sent since the server started, the INFO calls themselves left out. */
    private Map<String, Long> commandCalls() {
        Map<String, Long> calls = new HashMap<>();
        for (String line : admin.sync().info("commandstats").split("\r?\n")) {
            if (line.startsWith("cmdstat_")) {
                String command = line.substring("cmdstat_".length(), line.indexOf(':'));
                if (command.equals("info") || IN_SCRIPTS.contains(command)) {
                    continue;
                }
                String stats = line.substring(line.indexOf(':') + 1);
                for (String field : stats.split(",")) {
                    if (field.startsWith("calls=")) {
                        calls.put(command, Long.parseLong(field.substring("calls=".length())));
                    }
                }
            }
        }
        return calls;
    }

    private static Map<String, Long> delta(Map<String, Long> before, Map<String, Long> after) {
        Map<String, Long> d = new HashMap<>();
        after.forEach((command, n) -> {
            long more = n - before.getOrDefault(command, 0L);
            if (more != 0) {
                d.put(command, more);
            }
        });
        return d;
    }

    @Test
    void aGetAllOfKeysMissingFromBothLevelsTakesOneReadAndOneFillRoundTrip() {
        Cache<String, Item> cache = node(b -> b.tagger((id, item) -> Set.of("v" + item.version())));
        cache.getAll(List.of("warm"), loadAll(0)); // loads the script into the server: not what is counted

        Map<String, Long> before = commandCalls();
        Map<String, Item> got = cache.getAll(keys("k", 50), loadAll(1));
        Map<String, Long> after = commandCalls();

        assertThat(got).hasSize(50);
        assertThat(delta(before, after)).as("commands Redis ran for one getAll of 50 keys")
                .isEqualTo(Map.of("mget", 1L, "evalsha", 1L));
        // written, with their tag sets: another node reads all of them, and a tag drops them all
        Cache<String, Item> other = node(b -> b.l1(false));
        assertThat(other.getAll(keys("k", 50), ids -> { throw new AssertionError("all in the L2: " + ids); }))
                .isEqualTo(got);
        other.invalidateTag("v1");
        assertThat(other.getIfPresent("k7")).isEmpty();
        assertThat(other.getIfPresent("warm")).contains(new Item("warm", 0));
    }

    @Test
    void moreEntriesThanOneFillBatchTakeOneRoundTripPerBatch() {
        Cache<String, Item> cache = node(b -> b.l1(false));
        cache.getAll(List.of("warm"), loadAll(0));

        Map<String, Long> before = commandCalls();
        cache.getAll(keys("k", 1_200), loadAll(1));
        Map<String, Long> after = commandCalls();

        assertThat(delta(before, after)).isEqualTo(Map.of("mget", 1L, "evalsha", 3L)); // 500 + 500 + 200
        assertThat(cache.getAll(keys("k", 1_200), ids -> { throw new AssertionError("all in the L2: " + ids); }))
                .hasSize(1_200);
    }

    @Test
    void theFillsOfAGetAllAreRefusedWhenTheCacheChangedWhileItLoaded() {
        Cache<String, Item> cache = node(b -> b);
        Cache<String, Item> other = node(b -> b.l1(false));

        Map<String, Item> got = cache.getAll(List.of("a", "b", "c"), ids -> {
            other.put("z", new Item("z", 9)); // lands between the read and the fill
            return loadAll(1).apply(ids);
        });

        assertThat(got).hasSize(3); // the caller still gets what it loaded
        assertThat(other.getIfPresent("a")).as("a fill read before the put must not be written").isEmpty();
        assertThat(other.getIfPresent("c")).isEmpty();
        assertThat(other.getIfPresent("z")).contains(new Item("z", 9));
        // with nothing in between, the same getAll fills
        cache.invalidateAll();
        cache.getAll(List.of("a", "b", "c"), loadAll(2));
        assertThat(other.getIfPresent("b")).contains(new Item("b", 2));
    }

    @Test
    void aGetAllWhileRedisIsDownIsServedByTheLoaderWithoutAnException() throws Exception {
        Cache<String, Item> cache = node(b -> b.recoveryBackoff(Duration.ofHours(1)));
        server.kill();

        assertThat(cache.getAll(keys("k", 10), loadAll(1))).hasSize(10);
        assertThat(cache.getAll(keys("k", 20), loadAll(2))).hasSize(20); // bypassed: no Redis call at all
        assertThat(cache.status().degraded()).isTrue();
    }
}
