package io.bulwark.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProviderLimitsTest {

    private final AtomicLong nanos = new AtomicLong();
    private final ProviderLimits limits = ProviderLimits.of(RateLimiterFactory.local(nanos::get));

    @Test
    void aProviderWithoutLimitsIsUnlimited() {
        assertThat(limits.check("free", 1_000_000)).isEmpty();
        assertThat(limits.acquire("free", 5)).isZero();
    }

    @Test
    void countsRequestsAndWeightedCostSeparately() {
        limits.set(ProviderLimit.parse("openai", "3/1m", "1000/1m"));
        assertThat(limits.check("openai", 600).orElseThrow().allowed()).isTrue();
        Decision overCost = limits.check("openai", 500).orElseThrow();
        assertThat(overCost.allowed()).isFalse();
        assertThat(overCost.closest().spec()).isEqualTo("1000/1m");
        Decision third = limits.check("openai", 10).orElseThrow();
        assertThat(third.allowed()).isTrue();
        // three requests used (the cost rejection spent its request permit): the request limit rejects
        Decision overRequests = limits.check("openai", 1).orElseThrow();
        assertThat(overRequests.allowed()).isFalse();
        assertThat(overRequests.closest().spec()).isEqualTo("3/1m");
        assertThatThrownBy(() -> limits.acquire("openai", 1))
                .isInstanceOf(RateLimitExceededException.class)
                .hasMessageContaining("limiter 'provider.openai', key 'openai', limit 3/1m");
        nanos.addAndGet(Duration.ofMinutes(1).toNanos());
        assertThat(limits.acquire("openai", 900)).isZero();
    }

    @Test
    void reportsTheLimitCloserToExhaustionWhenBothAllow() {
        limits.set(ProviderLimit.parse("anthropic", "100/1m", "1000/1m"));
        Decision d = limits.check("anthropic", 900).orElseThrow();
        assertThat(d.closest().spec()).isEqualTo("1000/1m");
        assertThat(d.remaining()).isEqualTo(100);
        assertThat(limits.get("anthropic")).isPresent();
        assertThat(limits.remove("anthropic")).isTrue();
        assertThat(limits.check("anthropic", 1)).isEmpty();
    }

    @Test
    void aProviderNeedsAtLeastOneLimit() {
        assertThatThrownBy(() -> ProviderLimit.parse("x", "", " "))
                .hasMessage("provider 'x' needs at least one requests or cost limit");
    }
}
