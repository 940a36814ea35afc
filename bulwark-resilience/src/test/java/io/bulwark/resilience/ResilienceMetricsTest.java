package io.bulwark.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import io.bulwark.core.time.SettableClock;
import io.bulwark.resilience.breaker.CircuitBreaker;
import io.bulwark.resilience.breaker.CircuitBreakerConfig;
import io.bulwark.resilience.breaker.CircuitBreakerRegistry;
import io.bulwark.resilience.bulkhead.BulkheadConfig;
import io.bulwark.resilience.bulkhead.BulkheadRegistry;
import io.bulwark.resilience.retry.RetryConfig;
import io.bulwark.resilience.retry.RetryRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ResilienceMetricsTest {

    private final ResilienceClock clock = ResilienceClock.of(SettableClock.at(Instant.EPOCH));
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    @Test
    void publishesBreakerStateCallsAndTransitionsForBreakersCreatedBeforeAndAfterBinding() {
        CircuitBreakerRegistry breakers = CircuitBreakerRegistry.of(CircuitBreakerConfig.builder()
                .minimumNumberOfCalls(10).consecutiveFailureThreshold(2).build(), clock);
        CircuitBreaker early = breakers.circuitBreaker("openai");
        new ResilienceMetrics(meters).bindBreakers(breakers);
        CircuitBreaker late = breakers.circuitBreaker("anthropic");

        early.executeSupplier(() -> "ok");
        for (int i = 0; i < 2; i++) {
            late.acquirePermission();
            late.onError(1, new IOException("down"));
        }
        assertThat(meters.get("bulwark.breaker.state").tags("name", "anthropic", "state", "open").gauge().value()).isEqualTo(1);
        assertThat(meters.get("bulwark.breaker.state").tags("name", "anthropic", "state", "closed").gauge().value()).isZero();
        assertThat(meters.get("bulwark.breaker.calls").tags("name", "openai", "outcome", "success").functionCounter().count()).isEqualTo(1);
        assertThat(meters.get("bulwark.breaker.calls").tags("name", "anthropic", "outcome", "error").functionCounter().count()).isEqualTo(2);
        assertThat(meters.get("bulwark.breaker.transitions").tags("name", "anthropic", "from", "closed", "to", "open").counter().count()).isEqualTo(1);
    }

    @Test
    void publishesRetryAndBulkheadCounters() {
        RetryRegistry retries = RetryRegistry.builder(clock).instances(b -> b.sleeper(d -> { }))
                .defaultConfig(RetryConfig.builder().backoff(Duration.ZERO, 1, Duration.ZERO).build()).build();
        BulkheadRegistry bulkheads = BulkheadRegistry.of(BulkheadConfig.builder().maxConcurrentCalls(1).build(), clock);
        new ResilienceMetrics(meters).bindRetries(retries).bindBulkheads(bulkheads);
        try {
            retries.retry("openai").executeSupplier(() -> {
                throw new IllegalStateException("down");
            });
        } catch (IllegalStateException expected) {
            // three attempts failed
        }
        bulkheads.bulkhead("openai").tryAcquirePermission();
        bulkheads.bulkhead("openai").tryAcquirePermission();
        assertThat(meters.get("bulwark.retry.calls").tags("name", "openai", "outcome", "failed_with_retry").functionCounter().count()).isEqualTo(1);
        assertThat(meters.get("bulwark.bulkhead.calls").tags("name", "openai", "outcome", "rejected").functionCounter().count()).isEqualTo(1);
        assertThat(meters.get("bulwark.bulkhead.in.use").tags("name", "openai").gauge().value()).isEqualTo(1);
    }
}
