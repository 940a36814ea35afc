package io.bulwark.cache.jcache;

import static org.assertj.core.api.Assertions.assertThat;

import io.bulwark.cache.CacheConfig;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.CompleteConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A cache declared as a Bulwark {@link CacheConfig}, opened through javax.cache (the TCK covers the rest). */
class BulwarkConfigurationTest {

    private final CacheManager manager = Caching.getCachingProvider(BulwarkCachingProvider.class.getName())
            .getCacheManager();

    @AfterEach
    void close() {
        manager.getCacheNames().forEach(manager::destroyCache);
    }

    @Test
    void aCacheConfigGivesTheMaximumSizeTheTtlAndStatistics() {
        CacheConfig products = CacheConfig.builder("products").maximumSize(10).ttl(Duration.ofMinutes(5)).build();

        Cache<String, String> cache = manager.createCache("products", BulwarkConfiguration.of(products, String.class, String.class));
        IntStream.range(0, 100).forEach(i -> cache.put("k" + i, "v" + i));
        cache.unwrap(com.github.benmanes.caffeine.cache.Cache.class).cleanUp();

        assertThat(cache.unwrap(com.github.benmanes.caffeine.cache.Cache.class).estimatedSize()).isLessThanOrEqualTo(10);
        @SuppressWarnings("unchecked")
        CompleteConfiguration<String, String> c = cache.getConfiguration(CompleteConfiguration.class);
        assertThat(c.isStatisticsEnabled()).isTrue();
        assertThat(c.isStoreByValue()).isFalse();
        assertThat(c.getExpiryPolicyFactory().create().getExpiryForCreation())
                .isEqualTo(new javax.cache.expiry.Duration(TimeUnit.MILLISECONDS, 300_000));
        assertThat(cache.getConfiguration(BulwarkConfiguration.class).getMaximumSize()).isEqualTo(10);
    }

    @Test
    void theProviderIsFoundByJavaxCaching() {
        assertThat(Caching.getCachingProvider()).isInstanceOf(BulwarkCachingProvider.class);
    }
}
