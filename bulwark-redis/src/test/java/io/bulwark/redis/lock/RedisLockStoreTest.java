package io.bulwark.redis.lock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.bulwark.cluster.LockGrant;
import io.bulwark.redis.RedisConnections;
import io.bulwark.test.services.LocalService;
import io.bulwark.test.services.RequiresService;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link RedisLockStore} on the shared Redis: the LockStore rules (one holder, growing tokens,
 * stale tokens change nothing), server time, and the namespace. Each test has a namespace of its
 * own, deleted afterwards.
 */
@RequiresService(LocalService.REDIS)
class RedisLockStoreTest {

    private static final Duration TTL = Duration.ofSeconds(30);

    private static RedisConnections redis;
    private final String namespace = LockRedis.uniqueNamespace();
    private final RedisLockStore store = RedisLockStore.builder(redis).namespace(namespace).build();

    @BeforeAll
    static void connect() {
        redis = LockRedis.connect();
    }

    @AfterAll
    static void disconnect() {
        redis.close();
    }

    @AfterEach
    void deleteKeys() {
        LockRedis.deleteAll(redis, namespace);
    }

    @Test
    void grantsALockToOneHolderAtATimeWithTokensThatGrowAcrossReleases() {
        LockGrant first = store.tryAcquire("counter", "a", TTL).orElseThrow();

        assertThat(store.tryAcquire("counter", "b", TTL)).isEmpty();
        assertThat(store.tryAcquire("counter", "a", TTL)).as("not re-entrant").isEmpty();
        assertThat(store.holder("counter")).contains(first);
        assertThat(store.release("counter", first.token())).isTrue();
        assertThat(store.holder("counter")).isEmpty();

        LockGrant second = store.tryAcquire("counter", "b", TTL).orElseThrow();
        assertThat(second.token()).isGreaterThan(first.token());
        assertThat(store.tryAcquire("other", "a", TTL)).as("names are independent").isPresent();
    }

    @Test
    void timesComeFromTheRedisServersClock() {
        Instant before = LockRedis.serverTime(redis);
        LockGrant grant = store.tryAcquire("counter", "a", Duration.ofMillis(1500)).orElseThrow();
        Instant after = LockRedis.serverTime(redis);

        assertThat(grant.acquiredAt()).isBetween(before, after);
        assertThat(grant.until()).isEqualTo(grant.acquiredAt().plusMillis(1500));
        assertThat(redis.connection().sync().pttl(namespace + "held:counter")).isBetween(1L, 1500L);
    }

    @Test
    void renewExtendsFromTheServersNowOnlyForTheCurrentToken() {
        LockGrant grant = store.tryAcquire("counter", "a", Duration.ofSeconds(2)).orElseThrow();

        LockGrant renewed = store.renew("counter", grant.token(), Duration.ofSeconds(60)).orElseThrow();

        assertThat(renewed.token()).isEqualTo(grant.token());
        assertThat(renewed.owner()).isEqualTo("a");
        assertThat(renewed.acquiredAt()).isEqualTo(grant.acquiredAt());
        assertThat(renewed.until()).isAfter(grant.acquiredAt().plusSeconds(59));
        assertThat(redis.connection().sync().pttl(namespace + "held:counter")).isGreaterThan(58_000L);
        assertThat(store.holder("counter")).contains(renewed);

        assertThat(store.renew("counter", grant.token() + 1, TTL)).as("a token that never held it").isEmpty();
        assertThat(store.release("counter", grant.token() - 1)).as("an older token").isFalse();
        assertThat(store.holder("counter")).contains(renewed);
        assertThat(store.renew("nobody-holds-this", 1, TTL)).isEmpty();
        assertThat(store.release("nobody-holds-this", 1)).isFalse();
    }

    @Test
    void aLapsedLockIsFreeAndItsOldTokenChangesNothing() {
        LockGrant lapsed = store.tryAcquire("counter", "a", Duration.ofMillis(100)).orElseThrow();

        LockGrant next = await("the 100ms lock lapses").atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(20))
                .until(() -> store.tryAcquire("counter", "b", TTL), Optional::isPresent).orElseThrow();

        assertThat(next.token()).isGreaterThan(lapsed.token());
        assertThat(store.renew("counter", lapsed.token(), TTL)).isEmpty();
        assertThat(store.release("counter", lapsed.token())).isFalse();
        assertThat(store.holder("counter")).contains(next);
    }

    @Test
    void ownersMayContainColons() {
        LockGrant grant = store.tryAcquire("counter", "node:web-1:4711", TTL).orElseThrow();

        assertThat(grant.owner()).isEqualTo("node:web-1:4711");
        assertThat(store.holder("counter").orElseThrow().owner()).isEqualTo("node:web-1:4711");
    }

    @Test
    void heldListsLiveLocksOfItsNamespaceOnlyOrderedByName() {
        String globby = namespace + "[x]*?:";
        RedisLockStore other = RedisLockStore.builder(redis).namespace(globby).build();
        for (int i = 0; i < 250; i++) { // several SCAN pages and read batches
            store.tryAcquire(String.format("lock-%03d", i), "a", TTL).orElseThrow();
        }
        LockGrant released = store.tryAcquire("released", "a", TTL).orElseThrow();
        store.release("released", released.token());
        other.tryAcquire("elsewhere", "b", TTL).orElseThrow();

        List<LockGrant> held = store.held();

        assertThat(held).hasSize(250);
        assertThat(held.getFirst().name()).isEqualTo("lock-000");
        assertThat(held.getLast().name()).isEqualTo("lock-249");
        assertThat(other.held()).extracting(LockGrant::name).containsExactly("elsewhere");
    }

    @Test
    void manyThreadsRacingForOneLockYieldExactlyOneHolder() throws Exception {
        int threads = 16;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Optional<LockGrant>>> tries = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                String owner = "t" + t;
                tries.add(pool.submit(() -> {
                    start.await();
                    return store.tryAcquire("race", owner, TTL);
                }));
            }
            start.countDown();
            List<LockGrant> won = new ArrayList<>();
            for (Future<Optional<LockGrant>> f : tries) {
                f.get().ifPresent(won::add);
            }

            assertThat(won).hasSize(1);
            assertThat(store.holder("race")).contains(won.getFirst());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void badArgumentsAreRefusedNamingTheParameter() {
        assertThatThrownBy(() -> RedisLockStore.builder(redis).namespace("has space:"))
                .hasMessage("namespace must be 1 to 100 characters without spaces or control characters,"
                        + " e.g. bulwark:lock:, but was 'has space:'");
        assertThatThrownBy(() -> store.tryAcquire("counter", "a", Duration.ZERO))
                .hasMessage("ttl must be > 0 and at most 365d but was PT0S");
        assertThatThrownBy(() -> store.tryAcquire("", "a", TTL)).hasMessage("name must not be empty but was ''");
        assertThat(RedisLockStore.of(redis).namespace()).isEqualTo("bulwark:lock:");
    }
}
