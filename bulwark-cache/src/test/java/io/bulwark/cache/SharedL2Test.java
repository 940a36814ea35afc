package io.bulwark.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.bulwark.test.services.LocalService;
import io.bulwark.test.services.RequiresService;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Several nodes on one Redis, in one JVM: each "node" is a cache with its own {@link CacheRedis}
 * (own connections, own subscription), as separate processes would have. The child-JVM version
 * of the main cases is {@link TwoProcessesTest}.
 */
@RequiresService(LocalService.REDIS)
class SharedL2Test {

    private final List<AutoCloseable> open = new ArrayList<>();
    private final AtomicInteger loads = new AtomicInteger();
    private String name;

    @BeforeEach
    void name() {
        name = TestRedis.uniqueName("shared");
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : open.reversed()) {
            c.close();
        }
    }

    /** Messages cross Redis in milliseconds; the bound only keeps a slow, shared machine from failing the test. */
    static ConditionFactory soon() {
        return await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(2));
    }

    private Cache<String, Item> node(UnaryOperator<CacheBuilder<String, Item>> more) {
        CacheRedis redis = TestRedis.shared();
        open.add(redis);
        Cache<String, Item> cache = more.apply(Caches.builder(name, Item.class).l2(redis).executor(Runnable::run)).build();
        open.add(cache);
        return cache;
    }

    private Cache<String, Item> node() {
        return node(b -> b);
    }

    private Item load(String id) {
        return new Item(id, loads.incrementAndGet());
    }

    @Test
    void aPutOnOneNodeEvictsTheCopyInTheOtherNodesL1() {
        Cache<String, Item> a = node();
        Cache<String, Item> b = node();
        a.put("k", new Item("k", 1));
        assertThat(b.get("k", this::load)).isEqualTo(new Item("k", 1)); // now in b's L1

        a.put("k", new Item("k", 2));

        soon().until(() -> b.get("k", this::load).version() == 2);
        assertThat(loads).as("b read the new value from the L2").hasValue(0);
        assertThat(b.stats().l1().orElseThrow().invalidations()).as("one message per put of a").isEqualTo(2);
    }

    @Test
    void anInvalidationOnOneNodeEvictsTheCopyInTheOtherNodesL1() {
        Cache<String, Item> a = node();
        Cache<String, Item> b = node();
        b.get("k", this::load);

        a.invalidate("k");

        soon().until(() -> b.getIfPresent("k").isEmpty());
        assertThat(b.get("k", this::load).version()).isEqualTo(2);
    }

    @Test
    void aTagInvalidationReachesEveryNodesL1AndOnlyTheTaggedEntries() {
        Cache<String, Item> a = node();
        Cache<String, Item> b = node();
        a.put("p1", new Item("p1", 1), Set.of("promo"));
        a.put("p2", new Item("p2", 1), Set.of("promo"));
        a.put("x", new Item("x", 1), Set.of("other"));
        List.of("p1", "p2", "x").forEach(id -> b.get(id, this::load));

        a.invalidateTag("promo");

        soon().until(() -> b.getIfPresent("p1").isEmpty() && b.getIfPresent("p2").isEmpty());
        assertThat(b.getIfPresent("x")).contains(new Item("x", 1));
        assertThat(loads).hasValue(0);
    }

    @Test
    void invalidateAllReachesTheOtherNode() {
        Cache<String, Item> a = node();
        Cache<String, Item> b = node();
        b.get("k1", this::load);
        b.get("k2", this::load);

        a.invalidateAll();

        soon().until(() -> b.getIfPresent("k1").isEmpty() && b.getIfPresent("k2").isEmpty());
    }

    @Test
    void aNewVersionDoesNotReadTheEntriesOfTheOldOne() {
        Cache<String, Item> v1 = node();
        v1.put("k", new Item("k", 1));

        Cache<String, Item> v2 = node(b -> b.version("2"));

        assertThat(v2.get("k", this::load)).isEqualTo(new Item("k", 1 /* the first load */));
        assertThat(loads).hasValue(1);
        assertThat(v1.get("k", id -> { throw new AssertionError(); })).isEqualTo(new Item("k", 1));
    }

    /** The value class of a later deploy that forgot to bump the version: renamed fields. */
    record Renamed(String sku, int revision) {
        @JsonCreator
        Renamed(@JsonProperty("sku") String sku, @JsonProperty("revision") int revision) {
            this.sku = sku;
            this.revision = revision;
        }
    }

    @Test
    void anEntryThatNoLongerDecodesIsAMissAndIsOverwritten() {
        node(b -> b.l1(false)).put("k", new Item("k", 1));
        CacheRedis redis = TestRedis.shared();
        open.add(redis);
        Cache<String, Renamed> later = Caches.builder(name, Renamed.class).l1(false).l2(redis).build();
        open.add(later);

        assertThat(later.get("k", id -> new Renamed(id, 9))).isEqualTo(new Renamed("k", 9));
        assertThat(later.stats().l2().orElseThrow().evictions()).as("counted as unreadable").isEqualTo(1);
        assertThat(later.get("k", id -> new Renamed(id, 10))).as("overwritten").isEqualTo(new Renamed("k", 9));
    }

    @Test
    void aValueLoadedBeforeAPutElsewhereDoesNotOverwriteIt() {
        Cache<String, Item> a = node();
        Cache<String, Item> b = node();

        Item stale = a.get("k", id -> {
            b.put("k", new Item("k", 2)); // the source changed, and b wrote the change, during a's load
            return new Item("k", 1);
        });

        assertThat(stale.version()).as("a's caller gets what a loaded").isEqualTo(1);
        Cache<String, Item> c = node(x -> x.l1(false));
        assertThat(c.get("k", this::load)).as("the L2 keeps b's value, not a's older fill").isEqualTo(new Item("k", 2));
        soon().until(() -> a.get("k", this::load).version() == 2);
        assertThat(loads).hasValue(0);
    }

    @Test
    void withTheFleetLockOneNodeLoadsAndTheOtherIsServedItsValue() throws Exception {
        SimpleMeterRegistry bMeters = new SimpleMeterRegistry();
        Cache<String, Item> a = node(x -> x.fleetLock(Duration.ofSeconds(10)));
        Cache<String, Item> b = node(x -> x.fleetLock(Duration.ofSeconds(10)).meterRegistry(bMeters));
        CountDownLatch loading = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);

        ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
        open.add(threads);
        Future<Item> onA = threads.submit(() -> a.get("k", id -> {
            loading.countDown();
            CacheContract.awaitQuietly(release);
            return load(id);
        }));
        assertThat(loading.await(10, TimeUnit.SECONDS)).isTrue();
        Future<Item> onB = threads.submit(() -> b.get("k", this::load));
        soon().until(() -> bMeters.get("bulwark.cache.fleet.locks").tag("result", "waited").functionCounter().count() == 1);
        release.countDown();

        assertThat(onA.get(10, TimeUnit.SECONDS)).isEqualTo(new Item("k", 1));
        assertThat(onB.get(10, TimeUnit.SECONDS)).isEqualTo(new Item("k", 1));
        assertThat(loads).hasValue(1);
        assertThat(bMeters.get("bulwark.cache.fleet.locks").tag("result", "timeout").functionCounter().count()).isZero();
    }

    @Test
    void getAllTakesWhatTheL2HoldsAndLoadsTheRestInOneCall() {
        Cache<String, Item> a = node();
        Cache<String, Item> b = node();
        a.put("x", new Item("x", 7));

        var all = b.getAll(List.of("x", "y"), ids -> {
            assertThat(ids).containsExactly("y");
            return java.util.Map.of("y", load("y"));
        });

        assertThat(all).containsEntry("x", new Item("x", 7)).containsEntry("y", new Item("y", 1));
        assertThat(a.get("y", this::load)).as("filled into the L2").isEqualTo(new Item("y", 1));
    }

    @Test
    void aWarmupSkipsWhatAnotherNodeAlreadyWarmed() {
        CacheWarmer<String, Item> warmer = CacheWarmer.of(() -> List.of("a", "b", "c"),
                ids -> ids.stream().collect(java.util.stream.Collectors.toMap(id -> id, this::load)));
        Cache<String, Item> first = node(x -> x.warmer(warmer, true));
        assertThat(first.warm().done().join().loaded()).isEqualTo(3);

        Cache<String, Item> second = node(x -> x.warmer(warmer, false));
        WarmProgress end = second.warm().done().join();

        assertThat(end.loaded()).isEqualTo(3);
        assertThat(loads).as("the second node found them in the L2").hasValue(3);
    }

    @Test
    void theStatusIsUpWithTheBusConnected() {
        CacheStatus status = node().status();

        assertThat(status.degraded()).isFalse();
        assertThat(status.l2()).isTrue();
        assertThat(status.busConnected()).isTrue();
        assertThat(status.lastError()).isEmpty();
    }
}
