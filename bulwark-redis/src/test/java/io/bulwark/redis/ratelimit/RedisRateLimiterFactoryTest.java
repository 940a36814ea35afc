package io.bulwark.redis.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.bulwark.core.health.HealthStatus;
import io.bulwark.core.time.SettableClock;
import io.bulwark.ratelimit.Limit;
import io.bulwark.ratelimit.RateLimitConfig;
import io.bulwark.ratelimit.RateLimitMetrics;
import io.bulwark.ratelimit.RateLimiter;
import io.bulwark.ratelimit.RateLimiterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Redis limiters through a registry, wrapped by the decisions metrics, as the server builds them. */
class RedisRateLimiterFactoryTest extends SharedRedisTest {

    @Test
    void aRegistryOfInstrumentedRedisLimitersDecidesOnRedisAndHealthFollowsReplacements() throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        RedisRateLimiterFactory factory = new RedisRateLimiterFactory(redis, RedisLimiterOptions.defaults(),
                SettableClock.at(Instant.parse("2026-01-01T00:00:00Z")), System::nanoTime, meters);
        RateLimiterRegistry registry = RateLimiterRegistry.of(new RateLimitMetrics(meters).instrument(factory));
        String key = RedisFixture.uniqueKey();

        RateLimiter first = registry.register(RateLimitConfig.of("registry-api", Limit.parse("2/1h")));
        assertThat(first.tryAcquire(key).allowed()).isTrue();
        assertThat(first.tryAcquire(key).allowed()).isTrue();
        assertThat(first.tryAcquire(key).allowed()).isFalse();

        RateLimiter replaced = registry.replace("registry-api", RateLimitConfig.of("registry-api", Limit.parse("3/1h")));

        assertThat(replaced.tryAcquire(key).allowed()).as("a changed limit starts from fresh state").isTrue();
        assertThat(factory.limiters()).singleElement()
                .satisfies(l -> assertThat(l.config().limitsSpec()).isEqualTo("3/1h"));
        assertThat(factory.healthCheck().check().status()).isEqualTo(HealthStatus.UP);
        assertThat(meters.get(RateLimitMetrics.DECISIONS).tag("limiter", "registry-api").counters()).isNotEmpty();
    }
}
