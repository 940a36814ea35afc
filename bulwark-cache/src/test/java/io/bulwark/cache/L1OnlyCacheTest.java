package io.bulwark.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The contract on an L1 alone: Caffeine in the process, no Redis. */
class L1OnlyCacheTest extends CacheContract {

    @Override
    <K, V> CacheBuilder<K, V> levels(CacheBuilder<K, V> builder) {
        return builder.l1(true).maximumSize(1_000);
    }

    @Test
    void theSizeBoundEvictsAndCountsTheEvictionsByCause() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        Cache<String, Item> cache = cache(b -> b.maximumSize(10).meterRegistry(meters));

        for (int i = 0; i < 100; i++) {
            cache.get("k" + i, this::load);
        }

        assertThat(cache.stats().l1().orElseThrow().size()).isLessThanOrEqualTo(10);
        assertThat(cache.stats().l1().orElseThrow().evictions()).isGreaterThanOrEqualTo(90);
        assertThat(meters.get("bulwark.cache.l1.evictions").tag("cache", cache.name()).tag("cause", "size")
                .functionCounter().count()).isGreaterThanOrEqualTo(90);
        assertThat(meters.get("cache.gets").tag("cache", cache.name()).tag("result", "miss").functionCounter().count())
                .as("Caffeine's own binder").isEqualTo(100);
    }

    @Test
    void aWeigherBoundsTheTotalWeight() {
        Cache<String, Item> cache = cache(b -> b.weigher(100, item -> 10));

        for (int i = 0; i < 50; i++) {
            cache.get("k" + i, this::load);
        }

        assertThat(cache.stats().l1().orElseThrow().size()).isLessThanOrEqualTo(10);
    }

    @Test
    void expiredEntriesNobodyReadsAgainAreSweptByALaterWrite() {
        Cache<String, Item> cache = cache(b -> b.maximumSize(100));
        for (int i = 0; i < 20; i++) {
            cache.get("k" + i, this::load);
        }
        clock.advance(TTL);
        assertThat(cache.stats().l1().orElseThrow().size()).as("expiry is checked on read, not by Caffeine").isEqualTo(20);

        cache.put("fresh", new Item("fresh", 1));

        CacheStats.Level l1 = cache.stats().l1().orElseThrow();
        assertThat(l1.size()).as("the write started a sweep (on the caller's thread here)").isEqualTo(1);
        assertThat(l1.evictionsByCause().get("expired")).isEqualTo(20);
        assertThat(l1.evictions()).isEqualTo(20);
        assertThat(cache.getIfPresent("fresh")).isPresent();
    }

    @Test
    void anEntryReadJustBeforeItsExpiryIsAHitAndAtItsExpiryAMiss() {
        Cache<String, Item> cache = cache(b -> b.maximumSize(100));
        cache.put("a", new Item("a", 1), java.util.Set.of(), java.time.Duration.ofSeconds(30));

        clock.advance(java.time.Duration.ofSeconds(30).minusMillis(1));
        assertThat(cache.get("a", this::load).version()).isEqualTo(1);
        clock.advance(java.time.Duration.ofMillis(1));
        assertThat(cache.getIfPresent("a")).isEmpty();
        assertThat(cache.stats().l1().orElseThrow().evictionsByCause().get("expired")).isEqualTo(1);
    }

    @Test
    void aGetOfAKeyThatAGetAllLoadsJoinsThatLoad() throws Exception {
        Cache<String, Item> cache = cache();
        CountDownLatch inLoader = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<Map<String, Item>> all = threads.submit(() -> cache.getAll(List.of("a", "b"), ids -> {
                inLoader.countDown();
                awaitQuietly(release);
                return ids.stream().collect(Collectors.toMap(id -> id, this::load));
            }));
            awaitQuietly(inLoader);
            AtomicReference<Item> one = new AtomicReference<>();
            Thread getter = Thread.ofVirtual().start(() -> one.set(cache.get("a", this::load)));
            await().atMost(Duration.ofSeconds(10)).until(() -> getter.getState() == Thread.State.WAITING);
            release.countDown();
            getter.join(Duration.ofSeconds(20));

            assertThat(all.get(20, TimeUnit.SECONDS)).containsOnlyKeys("a", "b");
            assertThat(one.get()).isEqualTo(all.get().get("a"));
        }
        assertThat(loads).as("the batch's two, none for the get").hasValue(2);
        assertThat(cache.stats().l1().orElseThrow().misses()).isEqualTo(2);
        assertThat(cache.stats().l1().orElseThrow().hits()).as("the get served by the load in flight").isEqualTo(1);
    }

    @Test
    void aGetAllJoinsTheLoadOfAKeyInFlightAndLoadsOnlyTheOthers() throws Exception {
        Cache<String, Item> cache = cache();
        CountDownLatch inLoader = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch batchCalled = new CountDownLatch(1);
        List<Set<String>> batches = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<Item> one = threads.submit(() -> cache.get("a", id -> {
                inLoader.countDown();
                awaitQuietly(release);
                return load(id);
            }));
            awaitQuietly(inLoader);
            Future<Map<String, Item>> all = threads.submit(() -> cache.getAll(List.of("a", "b"), ids -> {
                batches.add(Set.copyOf(ids));
                batchCalled.countDown();
                return ids.stream().collect(Collectors.toMap(id -> id, this::load));
            }));
            awaitQuietly(batchCalled);
            release.countDown();

            assertThat(all.get(20, TimeUnit.SECONDS)).containsOnlyKeys("a", "b").containsEntry("a", one.get());
        }
        assertThat(batches).containsExactly(Set.of("b"));
        assertThat(loads).hasValue(2);
    }

    @Test
    void invalidationsRacingLoadsNeverLeaveAStaleValueBehind() throws Exception {
        Cache<String, Item> cache = cache();
        AtomicInteger truth = new AtomicInteger();
        for (int round = 0; round < 200; round++) {
            try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int reader = 0; reader < 4; reader++) {
                    threads.submit(() -> {
                        for (int i = 0; i < 50; i++) {
                            cache.get("k", id -> new Item(id, truth.get()));
                        }
                    });
                }
                threads.submit(() -> {
                    for (int i = 0; i < 50; i++) {
                        truth.incrementAndGet(); // the source changes, then the cache is told
                        cache.invalidate("k");
                    }
                });
            }
            int now = truth.get();
            assertThat(cache.getIfPresent("k")).as("round %d", round)
                    .satisfiesAnyOf(held -> assertThat(held).isEmpty(), held -> assertThat(held).contains(new Item("k", now)));
        }
    }

    @Test
    void withoutAnL2TheStatusIsAlwaysUp() {
        assertThat(cache().status().degraded()).isFalse();
        assertThat(cache().status().l2()).isFalse();
    }
}
