package io.bulwark.ratelimit;

import io.micrometer.core.instrument.MeterRegistry;
import java.util.Objects;

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
 */
public final class RateLimitMetrics {

    /** The counter's name. */
    public static final String DECISIONS = "bulwark.ratelimit.decisions";
    /** The gauge's name. */
    public static final String KEYS = "bulwark.ratelimit.keys";

    private final MeterRegistry registry;

    /** Metrics registered on {@code registry}. */
    public RateLimitMetrics(MeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    /** {@code limiter}, counting its decisions; the keys gauge follows the latest limiter of that name. */
    public RateLimiter instrument(RateLimiter limiter) {
        throw new UnsupportedOperationException("skeleton");
    }

    /** A factory whose limiters are {@link #instrument instrumented}. */
    public RateLimiterFactory instrument(RateLimiterFactory factory) {
        return config -> instrument(factory.create(config));
    }
}
