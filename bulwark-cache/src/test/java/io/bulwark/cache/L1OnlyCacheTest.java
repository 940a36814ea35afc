package io.bulwark.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
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
    void withoutAnL2TheStatusIsAlwaysUp() {
        assertThat(cache().status().degraded()).isFalse();
        assertThat(cache().status().l2()).isFalse();
    }
}
