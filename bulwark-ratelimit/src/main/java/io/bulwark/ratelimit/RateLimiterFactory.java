package io.bulwark.ratelimit;

import java.util.function.LongSupplier;

/**
 * Creates a {@link RateLimiter} for a config: how a {@link RateLimiterRegistry} builds (and
 * rebuilds, on {@link RateLimiterRegistry#replace}) its limiters. The Redis module offers one
 * that builds distributed limiters.
 */
@FunctionalInterface
public interface RateLimiterFactory {

    /** A limiter enforcing {@code config}. */
    RateLimiter create(RateLimitConfig config);

    /** Local limiters reading time from {@code nanoTicker} (e.g. {@code System::nanoTime}). */
    static RateLimiterFactory local(LongSupplier nanoTicker) {
        return config -> LocalRateLimiter.of(config, nanoTicker);
    }
}
