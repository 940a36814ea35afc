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
    void withoutAnL2TheStatusIsAlwaysUp() {
        assertThat(cache().status().degraded()).isFalse();
        assertThat(cache().status().l2()).isFalse();
    }
}
