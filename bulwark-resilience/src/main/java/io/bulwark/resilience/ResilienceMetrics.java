package io.bulwark.resilience;

import io.bulwark.resilience.breaker.CircuitBreaker;
import io.bulwark.resilience.breaker.CircuitBreakerRegistry;
import io.bulwark.resilience.bulkhead.Bulkhead;
import io.bulwark.resilience.bulkhead.BulkheadRegistry;
import io.bulwark.resilience.event.BreakerCallRecorded;
import io.bulwark.resilience.event.BreakerStateChanged;
import io.bulwark.resilience.fallback.Fallback;
import io.bulwark.resilience.retry.Retry;
import io.bulwark.resilience.retry.RetryRegistry;
import io.bulwark.resilience.timeout.Timeout;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Locale;
import java.util.Objects;

/**
 * Publishes policy instances to a Micrometer {@link MeterRegistry} (the caller's; there is no
 * global one). Counters read the instances' own counters when scraped, so the call path pays
 * nothing for metrics. Names, as the Prometheus registry renders them:
 *
 * <ul>
 *   <li>{@code bulwark_breaker_state{name,state}}: 1 for the current state, 0 for the others</li>
 *   <li>{@code bulwark_breaker_calls_total{name,outcome}}: success, slow_success, error, slow_error, ignored, not_permitted</li>
 *   <li>{@code bulwark_breaker_transitions_total{name,from,to}}</li>
 *   <li>{@code bulwark_breaker_failure_rate{name}} (percent, -1 below the minimum calls)</li>
 *   <li>{@code bulwark_retry_calls_total{name,outcome}}: success_without_retry, success_with_retry, failed_without_retry, failed_with_retry</li>
 *   <li>{@code bulwark_retry_budget_exhausted_total{name}}</li>
 *   <li>{@code bulwark_bulkhead_calls_total{name,outcome}}: permitted, rejected; {@code bulwark_bulkhead_in_use{name}}, {@code bulwark_bulkhead_waiting{name}}, {@code bulwark_bulkhead_max{name}}</li>
 *   <li>{@code bulwark_timeout_total{name}}</li>
 *   <li>{@code bulwark_fallback_used_total{name}}</li>
 * </ul>
 *
 * <pre>{@code
 * ResilienceMetrics metrics = new ResilienceMetrics(meterRegistry);
 * metrics.bindBreakers(breakers).bindRetries(retries).bindBulkheads(bulkheads);
 * }</pre>
 */
public final class ResilienceMetrics {

    private final MeterRegistry meters;

    /** Binds to {@code meters}. */
    public ResilienceMetrics(MeterRegistry meters) {
        this.meters = Objects.requireNonNull(meters, "meters");
    }

    /** Binds every breaker of {@code registry}, now and later. */
    public ResilienceMetrics bindBreakers(CircuitBreakerRegistry registry) {
        registry.forEachAndEveryAdded(this::bind);
        return this;
    }

    /** Binds every retry of {@code registry}, now and later. */
    public ResilienceMetrics bindRetries(RetryRegistry registry) {
        registry.forEachAndEveryAdded(this::bind);
        return this;
    }

    /** Binds every bulkhead of {@code registry}, now and later. */
    public ResilienceMetrics bindBulkheads(BulkheadRegistry registry) {
        registry.forEachAndEveryAdded(this::bind);
        return this;
    }

    /** Binds one breaker. */
    public ResilienceMetrics bind(CircuitBreaker breaker) {
        String name = breaker.name();
        for (CircuitBreaker.State state : CircuitBreaker.State.values()) {
            Gauge.builder("bulwark.breaker.state", breaker, b -> b.state() == state ? 1 : 0)
                    .tags("name", name, "state", label(state))
                    .description("1 for the breaker's current state, 0 for the others")
                    .register(meters);
        }
        for (BreakerCallRecorded.Outcome outcome : BreakerCallRecorded.Outcome.values()) {
            FunctionCounter.builder("bulwark.breaker.calls", breaker, b -> b.calls(outcome))
                    .tags("name", name, "outcome", outcome.label())
                    .description("Calls through the breaker by how it counted them")
                    .register(meters);
        }
        Gauge.builder("bulwark.breaker.failure.rate", breaker, b -> b.metrics().failureRate())
                .tags("name", name).baseUnit("percent")
                .description("Failure percentage over the window, -1 below the minimum number of calls")
                .register(meters);
        breaker.addListener(event -> {
            if (event instanceof BreakerStateChanged changed) {
                Counter.builder("bulwark.breaker.transitions")
                        .tags("name", name, "from", label(changed.transition().from()), "to",
                                label(changed.transition().to()))
                        .description("State transitions of the breaker")
                        .register(meters).increment();
            }
        });
        return this;
    }

    /** Binds one retry. */
    public ResilienceMetrics bind(Retry retry) {
        for (Retry.Outcome outcome : Retry.Outcome.values()) {
            FunctionCounter.builder("bulwark.retry.calls", retry, r -> r.calls(outcome))
                    .tags("name", retry.name(), "outcome", outcome.label())
                    .description("Calls through the retry by how they ended")
                    .register(meters);
        }
        FunctionCounter.builder("bulwark.retry.budget.exhausted", retry, Retry::budgetExhaustedCount)
                .tags("name", retry.name())
                .description("Retries refused by the retry budget")
                .register(meters);
        return this;
    }

    /** Binds one bulkhead. */
    public ResilienceMetrics bind(Bulkhead bulkhead) {
        String name = bulkhead.name();
        FunctionCounter.builder("bulwark.bulkhead.calls", bulkhead, Bulkhead::permittedCount)
                .tags("name", name, "outcome", "permitted").register(meters);
        FunctionCounter.builder("bulwark.bulkhead.calls", bulkhead, Bulkhead::rejectedCount)
                .tags("name", name, "outcome", "rejected").register(meters);
        Gauge.builder("bulwark.bulkhead.in.use", bulkhead, Bulkhead::inUse).tags("name", name)
                .description("Calls in flight").register(meters);
        Gauge.builder("bulwark.bulkhead.waiting", bulkhead, Bulkhead::waiting).tags("name", name)
                .description("Calls waiting for a slot").register(meters);
        Gauge.builder("bulwark.bulkhead.max", bulkhead, b -> b.config().maxConcurrentCalls()).tags("name", name)
                .description("The limit of calls in flight").register(meters);
        return this;
    }

    /** Binds one timeout. */
    public ResilienceMetrics bind(Timeout timeout) {
        FunctionCounter.builder("bulwark.timeout", timeout, Timeout::timeoutCount)
                .tags("name", timeout.name())
                .description("Calls interrupted at their timeout")
                .register(meters);
        return this;
    }

    /** Binds one fallback. */
    public ResilienceMetrics bind(Fallback<?> fallback) {
        FunctionCounter.builder("bulwark.fallback.used", fallback, Fallback::usedCount)
                .tags("name", fallback.name())
                .description("Outcomes replaced by the fallback")
                .register(meters);
        return this;
    }

    private static String label(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }
}
