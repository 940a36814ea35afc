package io.bulwark.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.bulwark.core.health.HealthStatus;
import io.bulwark.core.time.SettableClock;
import java.time.Duration;
import java.time.Instant;
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
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What every cache does, whatever its levels: run by {@link L1OnlyCacheTest}, {@link L2OnlyCacheTest}
 * and {@link TwoLevelCacheTest}. Time is a settable clock (which the L1's ticker follows), and
 * refreshes and warm-ups run on the calling thread, so nothing waits for time to pass.
 */
abstract class CacheContract {

    static final Duration TTL = Duration.ofMinutes(10);

    final SettableClock clock = SettableClock.at(Instant.parse("2026-01-01T00:00:00Z"));
    final AtomicInteger loads = new AtomicInteger();
    private final List<Cache<?, ?>> built = new ArrayList<>();

    /** Gives the builder this subclass's levels. */
    abstract <K, V> CacheBuilder<K, V> levels(CacheBuilder<K, V> builder);

    @AfterEach
    void closeCaches() {
        built.forEach(Cache::close);
    }

    Cache<String, Item> cache(UnaryOperator<CacheBuilder<String, Item>> more) {
        CacheBuilder<String, Item> b = levels(Caches.builder(TestRedis.uniqueName("contract"), Item.class))
                .ttl(TTL).clock(clock).executor(Runnable::run);
        Cache<String, Item> cache = more.apply(b).build();
        built.add(cache);
        return cache;
    }

    Cache<String, Item> cache() {
        return cache(b -> b);
    }

    /** A loader that counts its calls and returns version {@code loads} of the item. */
    Item load(String id) {
        return new Item(id, loads.incrementAndGet());
    }

    @Test
    void aMissLoadsOnceThenTheValueIsServedFromTheCache() {
        Cache<String, Item> cache = cache();

        assertThat(cache.get("a", this::load)).isEqualTo(new Item("a", 1));
        assertThat(cache.get("a", this::load)).isEqualTo(new Item("a", 1));
        assertThat(cache.get("a", id -> { throw new AssertionError("no second load"); })).isEqualTo(new Item("a", 1));
        assertThat(loads).hasValue(1);
    }

    @Test
    void aLoaderThatReturnsNullCachesNothing() {
        Cache<String, Item> cache = cache();

        assertThat(cache.get("nothing", id -> null)).isNull();

        assertThat(cache.get("nothing", this::load)).isEqualTo(new Item("nothing", 1));
    }

    @Test
    void aLoaderExceptionReachesTheCallerUnchangedAndNothingIsCached() {
        Cache<String, Item> cache = cache();
        IllegalStateException boom = new IllegalStateException("catalog down");

        assertThatThrownBy(() -> cache.get("a", id -> { throw boom; })).isSameAs(boom);

        assertThat(cache.get("a", this::load)).isEqualTo(new Item("a", 1));
        assertThat(cache.status().status()).isEqualTo(HealthStatus.UP);
    }

    @Test
    void aPutValueIsServedWithoutLoading() {
        Cache<String, Item> cache = cache();
        cache.get("a", this::load);

        cache.put("a", new Item("a", 42));

        assertThat(cache.get("a", this::load)).isEqualTo(new Item("a", 42));
        assertThat(cache.getIfPresent("a")).contains(new Item("a", 42));
        assertThat(loads).hasValue(1);
    }

    @Test
    void getIfPresentNeverLoads() {
        Cache<String, Item> cache = cache(b -> b.loader(this::load));

        assertThat(cache.getIfPresent("a")).isEmpty();
        cache.get("a");

        assertThat(cache.getIfPresent("a")).contains(new Item("a", 1));
        assertThat(loads).hasValue(1);
    }

    @Test
    void invalidateMakesTheNextGetLoadAgain() {
        Cache<String, Item> cache = cache();
        cache.get("a", this::load);
        cache.get("b", this::load);

        cache.invalidate("a");

        assertThat(cache.getIfPresent("a")).isEmpty();
        assertThat(cache.get("a", this::load)).isEqualTo(new Item("a", 3));
        assertThat(cache.get("b", this::load)).isEqualTo(new Item("b", 2));
    }

    @Test
    void invalidateTagRemovesTheTaggedEntriesAndNoOther() {
        Cache<String, Item> cache = cache(b -> b.tagger((id, item) -> Set.of("starts-with-" + id.charAt(0))));
        cache.put("p1", new Item("p1", 1), Set.of("promo"));
        cache.put("p2", new Item("p2", 1), Set.of("promo", "shoes"));
        cache.put("x1", new Item("x1", 1), Set.of("shoes"));
        cache.get("q1", this::load);
        cache.get("q2", this::load);

        cache.invalidateTag("promo");
        cache.invalidateTag("starts-with-q");

        assertThat(cache.getIfPresent("p1")).isEmpty();
        assertThat(cache.getIfPresent("p2")).isEmpty();
        assertThat(cache.getIfPresent("q1")).isEmpty();
        assertThat(cache.getIfPresent("q2")).isEmpty();
        assertThat(cache.getIfPresent("x1")).contains(new Item("x1", 1));
    }

    @Test
    void everyEntryCarriesTheCacheTags() {
        Cache<String, Item> cache = cache(b -> b.tags("catalog"));
        cache.put("a", new Item("a", 1));
        cache.get("b", this::load);

        cache.invalidateTag("catalog");

        assertThat(cache.getIfPresent("a")).isEmpty();
        assertThat(cache.getIfPresent("b")).isEmpty();
    }

    @Test
    void invalidateAllRemovesEveryEntry() {
        Cache<String, Item> cache = cache();
        IntStream.range(0, 20).forEach(i -> cache.get("k" + i, this::load));
        cache.put("p", new Item("p", 1));

        cache.invalidateAll();

        assertThat(IntStream.range(0, 20).mapToObj(i -> cache.getIfPresent("k" + i))).allMatch(o -> o.isEmpty());
        assertThat(cache.getIfPresent("p")).isEmpty();
        assertThat(cache.get("k0", this::load).version()).isEqualTo(21);
    }

    @Test
    void entriesExpireAfterTheTtlOnTheCacheClock() {
        Cache<String, Item> cache = cache();
        cache.get("a", this::load);
        cache.put("b", new Item("b", 7));

        clock.advance(TTL.minusSeconds(1));
        assertThat(cache.get("a", this::load).version()).isEqualTo(1);
        assertThat(cache.getIfPresent("b")).isPresent();

        clock.advance(Duration.ofSeconds(1));
        assertThat(cache.getIfPresent("b")).isEmpty();
        assertThat(cache.get("a", this::load).version()).isEqualTo(2);
    }

    @Test
    void refreshAfterServesTheOldValueAndReloadsInTheBackground() {
        ManualExecutor background = new ManualExecutor();
        Cache<String, Item> cache = cache(b -> b.refreshAfter(Duration.ofMinutes(5)).earlyRefreshBeta(0).executor(background));
        cache.get("a", this::load);

        clock.advance(Duration.ofMinutes(4));
        assertThat(cache.get("a", this::load).version()).as("younger than refreshAfter").isEqualTo(1);
        background.runAll();
        assertThat(loads).hasValue(1);

        clock.advance(Duration.ofMinutes(2));
        assertThat(cache.get("a", this::load).version()).as("the read that triggers the refresh gets the old value")
                .isEqualTo(1);
        assertThat(loads).as("the reload waits for the executor").hasValue(1);
        background.runAll();
        assertThat(loads).hasValue(2);
        assertThat(cache.get("a", this::load).version()).isEqualTo(2);
        clock.advance(Duration.ofMinutes(9));
        assertThat(cache.getIfPresent("a")).as("the refreshed entry has a new ttl").contains(new Item("a", 2));
    }

    @Test
    void aHotEntryIsRefreshedEarlyJustBeforeItExpiresButNotLongBefore() {
        Cache<String, Item> cache = cache(b -> b.earlyRefreshBeta(1));
        Duration loadTime = Duration.ofSeconds(1);
        java.util.function.Function<String, Item> slowLoad = id -> {
            if (loads.get() == 0) {
                clock.advance(loadTime); // the first load "takes" a second: the scale of early refresh
            }
            return load(id);
        };
        cache.get("hot", slowLoad);
        Instant expiry = clock.instant().plus(TTL);

        clock.set(expiry.minus(Duration.ofMinutes(5)));
        IntStream.range(0, 1000).forEach(i -> cache.get("hot", slowLoad));
        assertThat(loads).as("5 minutes before expiry, the chance is e^-300 per read").hasValue(1);

        clock.set(expiry.minusMillis(1));
        for (int i = 0; i < 100 && loads.get() == 1; i++) {
            cache.get("hot", slowLoad);
        }
        assertThat(loads).as("1 ms before expiry, each read refreshes with chance 0.999").hasValue(2);
        assertThat(cache.get("hot", slowLoad).version()).isEqualTo(2);
    }

    @Test
    void getAllLoadsOnlyTheMissingKeysInOneCall() {
        Cache<String, Item> cache = cache();
        cache.get("a", this::load);
        List<Set<String>> calls = new ArrayList<>();

        Map<String, Item> all = cache.getAll(List.of("a", "b", "c", "gone"), ids -> {
            calls.add(Set.copyOf(ids));
            return ids.stream().filter(id -> !id.equals("gone")).collect(Collectors.toMap(id -> id, this::load));
        });

        assertThat(calls).containsExactly(Set.of("b", "c", "gone"));
        assertThat(all).containsOnlyKeys("a", "b", "c").containsEntry("a", new Item("a", 1));
        assertThat(cache.getAll(List.of("a", "b", "c"), ids -> { throw new AssertionError("all cached"); }))
                .containsOnlyKeys("a", "b", "c");
    }

    @Test
    void theBuilderLoaderServesGetAndGetAll() {
        Cache<String, Item> cache = cache(b -> b.loader(this::load));

        assertThat(cache.get("a")).isEqualTo(new Item("a", 1));
        assertThat(cache.getAll(List.of("a", "b"))).containsOnlyKeys("a", "b");
        assertThat(loads).hasValue(2);
    }

    @Test
    void withoutALoaderGetNamesTheCacheAndTheWayOut() {
        Cache<String, Item> cache = cache();

        assertThatThrownBy(() -> cache.get("a")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(cache.name()).hasMessageContaining("get(key, loader)");
    }

    @Test
    void concurrentMissesOnOneKeyShareOneLoad() throws Exception {
        Cache<String, Item> cache = cache();
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger entered = new AtomicInteger();
        int callers = 1000;
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Item>> results = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                results.add(threads.submit(() -> {
                    entered.incrementAndGet();
                    return cache.get("hot", id -> {
                        awaitQuietly(release);
                        return load(id);
                    });
                }));
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> entered.get() == callers);
            release.countDown();
            for (Future<Item> f : results) {
                assertThat(f.get(20, TimeUnit.SECONDS)).isEqualTo(new Item("hot", 1));
            }
        }
        assertThat(loads).hasValue(1);
    }

    @Test
    void aValueLoadedWhileItsKeyIsInvalidatedIsNotKept() throws Exception {
        Cache<String, Item> cache = cache(b -> b.tags("catalog"));

        assertThat(whileLoading(cache, "a", () -> cache.invalidate("a"))).as("the caller gets its load").isEqualTo(new Item("a", 1));
        assertThat(cache.getIfPresent("a")).as("but it was loaded before the invalidation").isEmpty();
        whileLoading(cache, "b", () -> cache.invalidateTag("catalog"));
        assertThat(cache.getIfPresent("b")).isEmpty();
        whileLoading(cache, "c", cache::invalidateAll);
        assertThat(cache.getIfPresent("c")).isEmpty();

        assertThat(cache.get("a", this::load)).isEqualTo(new Item("a", 4));
        assertThat(cache.getIfPresent("a")).contains(new Item("a", 4));
    }

    @Test
    void aPutWhileItsKeyLoadsWinsOverTheLoad() throws Exception {
        Cache<String, Item> cache = cache();

        assertThat(whileLoading(cache, "a", () -> cache.put("a", new Item("a", 42)))).isEqualTo(new Item("a", 1));

        assertThat(cache.getIfPresent("a")).contains(new Item("a", 42));
        assertThat(cache.get("a", this::load)).isEqualTo(new Item("a", 42));
        assertThat(loads).hasValue(1);
    }

    @Test
    void keysOfAnotherTypeAreEncodedToStrings() {
        Cache<Long, Item> cache = levels(Caches.builder(TestRedis.uniqueName("typed"), Item.class).keys(Long.class))
                .clock(clock).executor(Runnable::run).loader(id -> new Item("n" + id, loads.incrementAndGet())).build();
        built.add(cache);

        assertThat(cache.get(42L)).isEqualTo(new Item("n42", 1));
        assertThat(cache.getAll(List.of(42L, 7L))).containsOnlyKeys(42L, 7L);
        cache.invalidate(42L);
        assertThat(cache.getIfPresent(42L)).isEmpty();
        assertThat(cache.getIfPresent(7L)).isPresent();
    }

    @Test
    void warmLoadsTheListedKeysAndReportsProgress() {
        List<String> ids = IntStream.range(0, 25).mapToObj(i -> "w" + i).toList();
        AtomicInteger batches = new AtomicInteger();
        Cache<String, Item> cache = cache(b -> b.warmBatchSize(10).warmer(CacheWarmer.of(() -> ids, batch -> {
            batches.incrementAndGet();
            return batch.stream().filter(id -> !id.equals("w3")).collect(Collectors.toMap(id -> id, this::load));
        }), false));

        Warming warming = cache.warm();
        WarmProgress end = warming.done().join();

        assertThat(end.state()).isEqualTo(WarmProgress.State.DONE);
        assertThat(end.total()).isEqualTo(25);
        assertThat(end.loaded()).isEqualTo(24);
        assertThat(end.failed()).isEqualTo(1);
        assertThat(end.fraction()).isEqualTo(1.0);
        assertThat(end.finished()).contains(clock.instant());
        assertThat(batches).hasValue(3);
        assertThat(cache.getIfPresent("w24")).isPresent();
        assertThat(warming.progress()).isEqualTo(end);
    }

    @Test
    void aWarmupWhoseKeysCannotBeListedFailsWithoutThrowing() {
        Cache<String, Item> cache = cache(b -> b.warmer(CacheWarmer.of(() -> {
            throw new IllegalStateException("catalog down");
        }, batch -> Map.of()), false));

        WarmProgress end = cache.warm().done().join();

        assertThat(end.state()).isEqualTo(WarmProgress.State.FAILED);
        assertThat(end.error()).hasValueSatisfying(e -> assertThat(e).contains("catalog down"));
    }

    @Test
    void aPutWithItsOwnTtlExpiresThenInEveryLevel() {
        Cache<String, Item> cache = cache();
        cache.put("short", new Item("short", 1), Set.of("promo"), Duration.ofSeconds(30));
        cache.put("long", new Item("long", 1), Set.of(), TTL.multipliedBy(2));

        clock.advance(Duration.ofSeconds(29));
        assertThat(cache.getIfPresent("short")).isPresent();
        clock.advance(Duration.ofSeconds(1));
        assertThat(cache.getIfPresent("short")).isEmpty();

        clock.advance(TTL);
        assertThat(cache.getIfPresent("long")).as("a ttl longer than the cache's holds").isPresent();
        assertThatThrownBy(() -> cache.put("x", new Item("x", 1), Set.of(), Duration.ZERO))
                .hasMessageContaining("ttl must be > 0");
    }

    @Test
    void evictionsAreCountedByCause() {
        Cache<String, Item> cache = cache(b -> b.maximumSize(1));
        cache.put("a", new Item("a", 1));
        cache.put("b", new Item("b", 1));
        cache.get("a", this::load);
        cache.get("b", this::load);
        clock.advance(TTL);
        cache.getIfPresent("a");
        cache.getIfPresent("b");

        CacheStats stats = cache.stats();

        stats.l1().ifPresent(l1 -> {
            assertThat(l1.evictionsByCause()).containsOnlyKeys("size", "expired", "collected");
            assertThat(l1.evictionsByCause().get("size")).isPositive();
            assertThat(l1.evictionsByCause().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(l1.evictions());
        });
        stats.l2().ifPresent(l2 -> {
            assertThat(l2.evictionsByCause()).containsOnlyKeys("expired", "unreadable");
            assertThat(l2.evictionsByCause().get("expired")).isPositive();
            assertThat(l2.evictions()).isEqualTo(l2.evictionsByCause().get("expired"));
        });
    }

    @Test
    void statsCountTheReadsOfEachLevel() {
        Cache<String, Item> cache = cache();
        cache.get("a", this::load);
        cache.get("a", this::load);
        cache.invalidate("a");

        CacheStats stats = cache.stats();

        assertThat(stats.cache()).isEqualTo(cache.name());
        stats.l1().ifPresent(l1 -> {
            assertThat(l1.hits()).isEqualTo(1);
            assertThat(l1.misses()).isEqualTo(1);
            assertThat(l1.loads()).isEqualTo(1);
            assertThat(l1.invalidations()).isEqualTo(1);
            assertThat(l1.hitRatio()).isEqualTo(0.5);
            assertThat(l1.size()).isZero();
        });
        stats.l2().ifPresent(l2 -> {
            assertThat(l2.loads()).isEqualTo(1);
            assertThat(l2.invalidations()).isEqualTo(1);
            assertThat(l2.size()).isZero();
        });
        assertThat(stats.l1().isPresent()).isEqualTo(cache.config().l1());
        assertThat(stats.l2().isPresent()).isEqualTo(cache.config().l2());
    }

    /** Runs {@code during} while a {@code get} of {@code key} on another thread is inside its loader; returns what that get returned. */
    Item whileLoading(Cache<String, Item> cache, String key, Runnable during) throws Exception {
        CountDownLatch inLoader = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (ExecutorService thread = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<Item> got = thread.submit(() -> cache.get(key, id -> {
                inLoader.countDown();
                awaitQuietly(release);
                return load(id);
            }));
            awaitQuietly(inLoader);
            during.run();
            release.countDown();
            return got.get(20, TimeUnit.SECONDS);
        }
    }

    static void awaitQuietly(CountDownLatch latch) {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the test never released the loader");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
