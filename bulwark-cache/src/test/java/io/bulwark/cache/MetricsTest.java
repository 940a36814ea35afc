package io.bulwark.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.bulwark.test.services.LocalService;
import io.bulwark.test.services.RequiresService;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The meters of a cache: names, what they count, and their life with the cache's; the health check. */
class MetricsTest {

    @Test
    @RequiresService(LocalService.REDIS)
    void aTwoLevelCacheRegistersTheL1BinderAndItsOwnL2Meters() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        String name = TestRedis.uniqueName("metrics");
        try (CacheRedis redis = TestRedis.shared();
             Cache<String, Item> cache = Caches.builder(name, Item.class).l2(redis).meterRegistry(meters).build()) {
            cache.get("a", id -> new Item(id, 1));
            cache.get("a", id -> new Item(id, 1));
            cache.invalidateTag("t");

            Set<String> names = meters.getMeters().stream().map(m -> m.getId().getName()).collect(Collectors.toSet());
            assertThat(names).contains("cache.gets", "cache.size", "cache.evictions", "bulwark.cache.l2.gets",
                    "bulwark.cache.l2.loads", "bulwark.cache.l2.load.duration", "bulwark.cache.l2.evictions",
                    "bulwark.cache.invalidations", "bulwark.cache.l2.up", "bulwark.cache.bus.connected",
                    "bulwark.cache.l1.evictions", "bulwark.cache.early.refreshes", "bulwark.cache.fleet.locks");
            assertThat(meters.get("cache.gets").tag("cache", name).tag("level", "l1").tag("result", "hit")
                    .functionCounter().count()).isEqualTo(1);
            // Micrometer's cache binder for the L2: the same names, level=l2
            assertThat(meters.get("cache.gets").tag("cache", name).tag("level", "l2").tag("result", "miss")
                    .functionCounter().count()).isEqualTo(1);
            assertThat(meters.get("cache.gets").tag("level", "l2").tag("result", "hit").functionCounter().count()).isZero();
            assertThat(meters.get("cache.puts").tag("level", "l2").functionCounter().count()).as("the fill").isEqualTo(1);
            assertThat(meters.get("cache.size").tag("level", "l2").gauge().value()).isEqualTo(1);
            assertThat(meters.get("bulwark.cache.l2.gets").tag("cache", name).tag("result", "miss").functionCounter().count())
                    .isEqualTo(1);
            assertThat(meters.get("bulwark.cache.l2.loads").tag("result", "success").functionCounter().count()).isEqualTo(1);
            assertThat(meters.get("bulwark.cache.l2.load.duration").functionTimer().count()).isEqualTo(1);
            assertThat(meters.get("bulwark.cache.invalidations").tag("level", "l2").tag("scope", "tag")
                    .functionCounter().count()).isEqualTo(1);
            assertThat(meters.get("bulwark.cache.l2.up").gauge().value()).isEqualTo(1);
        }
        assertThat(meters.getMeters()).as("closing the cache removes its meters").isEmpty();
    }

    @Test
    void aCacheRebuiltUnderTheSameNameTakesTheMetersOverAndClosingTheOldOneLeavesThem() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        Cache<String, Item> old = Caches.builder("rebuilt", Item.class).meterRegistry(meters).build();
        old.get("a", id -> new Item(id, 1));

        Cache<String, Item> fresh = Caches.builder("rebuilt", Item.class).meterRegistry(meters).build();
        old.close();

        assertThat(meters.getMeters()).extracting(Meter::getId).isNotEmpty();
        assertThat(meters.get("cache.gets").tag("level", "l1").tag("result", "miss").functionCounter().count()).isZero();
        fresh.get("a", id -> new Item(id, 1));
        assertThat(meters.get("cache.gets").tag("level", "l1").tag("result", "miss").functionCounter().count()).isEqualTo(1);
        fresh.close();
    }

    @Test
    void missesOfKeysThatExpiredAreCountedByHowMuchLongerATtlWouldHaveServedThem() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        io.bulwark.core.time.SettableClock clock = io.bulwark.core.time.SettableClock.at(
                java.time.Instant.parse("2026-01-01T00:00:00Z"));
        try (Cache<String, Item> cache = Caches.builder("ttl", Item.class).ttl(java.time.Duration.ofMinutes(1))
                .clock(clock).executor(Runnable::run).meterRegistry(meters).build()) {
            for (String k : new String[] {"a", "b", "c", "d", "e"}) {
                cache.get(k, id -> new Item(id, 1));
            }
            clock.advance(java.time.Duration.ofSeconds(61)); // all expired; "a" read again at 1.02x its life
            cache.get("a", id -> new Item(id, 2));
            clock.advance(java.time.Duration.ofSeconds(140)); // "b" at 3.35x
            cache.get("b", id -> new Item(id, 2));
            clock.advance(java.time.Duration.ofSeconds(200)); // "c" at 6.7x
            cache.get("c", id -> new Item(id, 2));
            clock.advance(java.time.Duration.ofSeconds(600)); // "d" at 16.7x
            cache.get("d", id -> new Item(id, 2));
            cache.get("never-cached", id -> new Item(id, 2)); // a first read is no reread
            cache.get("a", id -> new Item(id, 3)); // expired again, read again at 13.3x its second life

            java.util.Map<String, Double> counted = new java.util.TreeMap<>();
            for (String within : new String[] {"2x", "4x", "8x", "later"}) {
                counted.put(within, meters.get("bulwark.cache.l1.expired.rereads").tag("cache", "ttl")
                        .tag("within", within).functionCounter().count());
            }
            assertThat(counted).containsEntry("2x", 1.0).containsEntry("4x", 1.0).containsEntry("8x", 1.0)
                    .containsEntry("later", 2.0);
            assertThat(meters.get("bulwark.cache.l1.evictions").tag("cache", "ttl").tag("cause", "expired")
                    .functionCounter().count()).isGreaterThanOrEqualTo(5);
        }
    }

    @Test
    void theHealthCheckIsUpWhileEveryCacheWorks() {
        Cache<String, Item> cache = Caches.builder("healthy", Item.class).build();

        var result = new CacheHealthCheck(() -> java.util.List.of(cache)).check();

        assertThat(result.status()).isEqualTo(io.bulwark.core.health.HealthStatus.UP);
        assertThat(result.details()).containsKey("healthy");
    }
}
