package io.bulwark.ratelimit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Micrometer metrics for rate limiters, on a registry the caller owns:
 * {@code bulwark.ratelimit.decisions{limiter,outcome=allowed|rejected|delayed}} (a counter,
 * rendered {@code bulwark_ratelimit_decisions_total}) and {@code bulwark.ratelimit.keys{limiter}}
 * (a gauge of tracked keys, for limiters that can tell). Labels are bounded: limiter names
 * come from configuration, never from request keys.
 *
 * <pre>{@code
 * RateLimitMetrics metrics = new RateLimitMetrics(meterRegistry);
 * RateLimiterRegistry limiters = RateLimiterRegistry.of(metrics.instrument(RateLimiterFactory.local(System::nanoTime)));
 * }</pre>
 *
 * <p>The keys gauge is registered once per limiter name and reads whichever limiter of that
 * name was instrumented last, so a {@link RateLimiterRegistry#replace replaced} limiter is
 * followed (Micrometer would otherwise keep the first object it was given).
 */
public final class RateLimitMetrics {

    /** The counter's name. */
    public static final String DECISIONS = "bulwark.ratelimit.decisions";
    /** The gauge's name. */
    public static final String KEYS = "bulwark.ratelimit.keys";

    private final MeterRegistry registry;
    private final ConcurrentMap<String, AtomicReference<RateLimiter>> current = new ConcurrentHashMap<>();

    /** Metrics registered on {@code registry}. */
    public RateLimitMetrics(MeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    /** {@code limiter}, counting its decisions; the keys gauge follows the latest limiter of that name. */
    public RateLimiter instrument(RateLimiter limiter) {
        String name = limiter.name();
        AtomicReference<RateLimiter> fresh = new AtomicReference<>(limiter);
        AtomicReference<RateLimiter> ref = current.putIfAbsent(name, fresh);
        if (ref != null) {
            ref.set(limiter); // the gauge registered for the first one reads this one from now on
        } else {
            // Registered once per name: registering again would make Micrometer warn that the gauge exists.
            Gauge.builder(KEYS, fresh, r -> Math.max(0, r.get().trackedKeys()))
                    .tag("limiter", name)
                    .description("Keys a rate limiter holds state for")
                    .strongReference(true)
                    .register(registry);
        }
        return new Counted(limiter, counter(name, Decision.Outcome.ALLOWED), counter(name, Decision.Outcome.DELAYED),
                counter(name, Decision.Outcome.REJECTED));
    }

    /** A factory whose limiters are {@link #instrument instrumented}. */
    public RateLimiterFactory instrument(RateLimiterFactory factory) {
        return config -> instrument(factory.create(config));
    }

    private Counter counter(String limiter, Decision.Outcome outcome) {
        return Counter.builder(DECISIONS)
                .tag("limiter", limiter)
                .tag("outcome", outcome.label())
                .description("Rate-limit decisions by outcome")
                .register(registry);
    }

    /** The decorator: delegates, then counts the outcome. */
    private record Counted(RateLimiter delegate, Counter allowed, Counter delayed, Counter rejected) implements RateLimiter {

        @Override
        public RateLimitConfig config() {
            return delegate.config();
        }

        @Override
        public Decision tryAcquire(String key, long cost) {
            Decision d = delegate.tryAcquire(key, cost);
            (d.allowed() ? d.delay().isZero() ? allowed : delayed : rejected).increment();
            return d;
        }

        @Override
        public boolean tryAcquirePermit(String key, long cost) {
            boolean permitted = delegate.tryAcquirePermit(key, cost);
            (permitted ? allowed : rejected).increment();
            return permitted;
        }

        @Override
        public Usage usage(String key) {
            return delegate.usage(key);
        }

        @Override
        public long trackedKeys() {
            return delegate.trackedKeys();
        }
    }
}
