package io.bulwark.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateLimiterRegistryTest {

    private final AtomicLong nanos = new AtomicLong();

    @Test
    void registersFindsAndReplacesNamedLimiters() {
        RateLimiterRegistry registry = RateLimiterRegistry.local(nanos::get);
        registry.register(RateLimitConfig.builder("jobs").limits("1/1h").build());
        assertThat(registry.limiter("jobs").tryAcquire("k").allowed()).isTrue();
        assertThat(registry.limiter("jobs").tryAcquire("k").allowed()).isFalse();
        assertThatThrownBy(() -> registry.register(RateLimitConfig.builder("jobs").limits("2/1h").build()))
                .hasMessageContaining("rate limiter 'jobs' exists (limits 1/1h)");

        registry.replace("jobs", RateLimitConfig.builder("jobs").limits("2/1h").build());
        assertThat(registry.limiter("jobs").config().limitsSpec()).isEqualTo("2/1h");
        assertThat(registry.limiter("jobs").tryAcquire("k").allowed()).isTrue();
        assertThat(registry.names()).containsExactly("jobs");
        assertThatThrownBy(() -> registry.limiter("nope")).hasMessage("no rate limiter 'nope'; registered: [jobs]");
        assertThat(registry.remove("jobs")).isTrue();
        assertThat(registry.find("jobs")).isEmpty();
    }

    @Test
    void metricsCountOutcomesAndFollowAReplacedLimitersKeys() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        RateLimitMetrics metrics = new RateLimitMetrics(meters);
        RateLimiterRegistry registry = RateLimiterRegistry.of(metrics.instrument(RateLimiterFactory.local(nanos::get)));
        Limit paced = Limit.builder().algorithm(Algorithm.LEAKY_BUCKET_PACING).permits(1).window(Duration.ofSeconds(1))
                .maxDelay(Duration.ofSeconds(1)).build();
        RateLimiter limiter = registry.register(RateLimitConfig.of("api", paced));
        limiter.tryAcquire("a");
        limiter.tryAcquire("a");
        limiter.tryAcquire("a");
        limiter.tryAcquire("b");
        assertThat(meters.get(RateLimitMetrics.DECISIONS).tag("limiter", "api").tag("outcome", "allowed").counter().count()).isEqualTo(2);
        assertThat(meters.get(RateLimitMetrics.DECISIONS).tag("outcome", "delayed").counter().count()).isEqualTo(1);
        assertThat(meters.get(RateLimitMetrics.DECISIONS).tag("outcome", "rejected").counter().count()).isEqualTo(1);
        assertThat(meters.get(RateLimitMetrics.KEYS).tag("limiter", "api").gauge().value()).isEqualTo(2);

        registry.replace("api", RateLimitConfig.of("api", Limit.parse("5/1s")));
        assertThat(meters.get(RateLimitMetrics.KEYS).tag("limiter", "api").gauge().value()).isZero();
        registry.limiter("api").tryAcquire("c");
        assertThat(meters.get(RateLimitMetrics.KEYS).tag("limiter", "api").gauge().value()).isEqualTo(1);
    }
}
