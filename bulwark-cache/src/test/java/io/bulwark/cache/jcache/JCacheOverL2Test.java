package io.bulwark.cache.jcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.bulwark.cache.CacheConfig;
import io.bulwark.cache.Caches;
import io.bulwark.test.services.LocalService;
import io.bulwark.test.services.RequiresService;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.Serializable;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.event.CacheEntryCreatedListener;
import javax.cache.event.CacheEntryEvent;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.integration.CacheLoader;
import javax.cache.spi.CachingProvider;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * JCache caches over a Bulwark cache with an L2: two cache managers stand for two nodes (each
 * opens its own Redis connections and subscription), on the shared Redis on 6379, under a
 * namespace and name no other test uses.
 */
@RequiresService(LocalService.REDIS)
class JCacheOverL2Test {

    /** A value: JSON in Redis, through the default codec. */
    record Product(String sku, int price) implements Serializable {
    }

    private static final String REDIS = "redis://127.0.0.1:6379";

    private final CachingProvider provider = Caching.getCachingProvider(BulwarkCachingProvider.class.getName());
    private final String name = "jcache-" + UUID.randomUUID().toString().substring(0, 8);
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : open.reversed()) {
            c.close();
        }
    }

    /** Invalidation messages cross Redis in milliseconds; the bound only spares a slow machine. */
    private static ConditionFactory soon() {
        return await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(2));
    }

    private CacheConfig config(String redis) {
        return CacheConfig.builder(name).l2(redis).ttl(Duration.ofMinutes(10)).recoveryBackoff(Duration.ofHours(1)).build();
    }

    private CacheManager manager(String node) {
        CacheManager m = provider.getCacheManager(URI.create("test:" + name + ":" + node), getClass().getClassLoader());
        open.add(m);
        return m;
    }

    private Cache<String, Product> node(String node) {
        return manager(node).createCache("products", BulwarkConfiguration.of(config(REDIS), String.class, Product.class));
    }

    @Test
    void twoNodesSeeEachOthersPutsRemovesAndClears() {
        Cache<String, Product> a = node("a");
        Cache<String, Product> b = node("b");

        a.put("p1", new Product("p1", 10));
        assertThat(b.get("p1")).isEqualTo(new Product("p1", 10)); // from the L2, now in b's L1 too
        assertThat(b.containsKey("p1")).isTrue();

        b.put("p1", new Product("p1", 11)); // drops a's L1 copy through the broadcast
        soon().until(() -> new Product("p1", 11).equals(a.get("p1")));

        a.putAll(Map.of("p2", new Product("p2", 20), "p3", new Product("p3", 30)));
        assertThat(b.getAll(Set.of("p1", "p2", "p3", "none"))).containsOnlyKeys("p1", "p2", "p3");

        assertThat(b.remove("p2")).isTrue();
        soon().until(() -> !a.containsKey("p2"));
        b.removeAll(Set.of("p3"));
        soon().until(() -> a.get("p3") == null);

        int price = a.invoke("p1", (entry, args) -> {
            entry.setValue(new Product("p1", entry.getValue().price() + 1));
            return entry.getValue().price();
        });
        assertThat(price).isEqualTo(12);
        soon().until(() -> new Product("p1", 12).equals(b.get("p1")));

        a.removeAll(); // Spring's cache abstraction clears with this
        soon().until(() -> b.get("p1") == null);
    }

    @Test
    void aJCacheAndAPlainCacheOfTheSameConfigShareValues() {
        Cache<String, Product> jcache = node("a");
        io.bulwark.cache.Cache<String, Product> plain = Caches.builder(config(REDIS), Product.class).build();
        open.add(plain);

        jcache.put("p1", new Product("p1", 10));
        assertThat(plain.getIfPresent("p1")).contains(new Product("p1", 10));

        plain.put("p1", new Product("p1", 11));
        soon().until(() -> new Product("p1", 11).equals(jcache.get("p1")));
        plain.invalidate("p1");
        soon().until(() -> !jcache.containsKey("p1"));
        assertThat(jcache.unwrap(io.bulwark.cache.Cache.class).name()).isEqualTo(name);
    }

    @Test
    void theCreationExpiryBecomesTheTtlInRedisAndEternalTheConfigsTtl() {
        BulwarkConfiguration<String, Product> c = BulwarkConfiguration.of(config(REDIS), String.class, Product.class);
        c.setExpiryPolicyFactory(CreatedExpiryPolicy.factoryOf(new javax.cache.expiry.Duration(TimeUnit.MINUTES, 1)));
        Cache<String, Product> minute = manager("a").createCache("products", c);
        BulwarkConfiguration<String, Product> e = BulwarkConfiguration.of(config(REDIS), String.class, Product.class);
        e.setExpiryPolicyFactory(javax.cache.expiry.EternalExpiryPolicy.factoryOf());
        Cache<String, Product> eternal = manager("b").createCache("products", e);

        minute.put("short", new Product("short", 1));
        eternal.put("long", new Product("long", 2));

        try (RedisClient client = RedisClient.create(REDIS); StatefulRedisConnection<String, String> redis = client.connect()) {
            long shortTtl = redis.sync().pttl("bulwark:cache:{" + name + ":1}:e:short");
            long longTtl = redis.sync().pttl("bulwark:cache:{" + name + ":1}:e:long");
            assertThat(shortTtl).isBetween(1L, 60_000L).isGreaterThan(50_000L);
            assertThat(longTtl).isBetween(540_000L, 600_000L);
        }
    }

    @Test
    void listenersHearThisNodesChangesOnly() {
        Cache<String, Product> a = node("a");
        Cache<String, Product> b = node("b");
        List<String> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
        a.registerCacheEntryListener(new MutableCacheEntryListenerConfiguration<>(
                FactoryBuilder.factoryOf(new Heard(heard)), null, false, true));

        b.put("p1", new Product("p1", 1));
        a.put("p2", new Product("p2", 2));

        assertThat(heard).containsExactly("p2");
    }

    @Test
    void readThroughLoadsOnceAndTheValueReachesTheOtherNode() {
        BulwarkConfiguration<String, Product> c = BulwarkConfiguration.of(config(REDIS), String.class, Product.class);
        c.setCacheLoaderFactory(FactoryBuilder.factoryOf(new Loader())).setReadThrough(true);
        Cache<String, Product> a = manager("a").createCache("products", c);
        Cache<String, Product> b = node("b");

        assertThat(a.get("p7")).isEqualTo(new Product("p7", 7));
        assertThat(b.get("p7")).isEqualTo(new Product("p7", 7));
    }

    @Test
    void entriesInRedisAreNotIterated() {
        Cache<String, Product> a = node("a");
        assertThatThrownBy(a::iterator).isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("Redis");
    }

    @Test
    void withRedisDownReadsMissAndWritesStayInThisNodesL1WithoutAnException() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort(); // closed again: nothing listens there
        }
        Cache<String, Product> cache = manager("down").createCache("products",
                BulwarkConfiguration.of(config("redis://127.0.0.1:" + port), String.class, Product.class));

        assertThat(cache.get("p1")).isNull();
        assertThat(cache.getAll(Set.of("p1", "p2"))).isEmpty();
        cache.put("p1", new Product("p1", 1));
        assertThat(cache.get("p1")).isEqualTo(new Product("p1", 1));
        assertThat(cache.remove("p1")).isTrue();
        assertThat(cache.containsKey("p1")).isFalse();
        assertThat(cache.unwrap(io.bulwark.cache.Cache.class).status().degraded()).isTrue();
    }

    private record Heard(List<String> keys) implements CacheEntryCreatedListener<String, Product>, Serializable {
        @Override
        public void onCreated(Iterable<CacheEntryEvent<? extends String, ? extends Product>> events) {
            events.forEach(e -> keys.add(e.getKey()));
        }
    }

    private static final class Loader implements CacheLoader<String, Product>, Serializable {
        @Override
        public Product load(String key) {
            return new Product(key, Integer.parseInt(key.substring(1)));
        }

        @Override
        public Map<String, Product> loadAll(Iterable<? extends String> keys) {
            Map<String, Product> m = new java.util.HashMap<>();
            keys.forEach(k -> m.put(k, load(k)));
            return m;
        }
    }
}
