package io.bulwark.ratelimit;

import java.time.Duration;
import java.util.Optional;

/**
 * Per-provider limits, a thin layer over {@link RateLimiter}s that the provider gateway
 * consults before each call: one limiter counts requests, another the call's cost.
 *
 * <pre>{@code
 * ProviderLimits limits = ProviderLimits.of(RateLimiterFactory.local(System::nanoTime));
 * limits.set(ProviderLimit.parse("openai", "500/1m", "90000/1m"));
 * Duration wait = limits.acquire("openai", promptTokens); // throws RateLimitExceededException
 * }</pre>
 */
public final class ProviderLimits {

    private final RateLimiterFactory factory;

    private ProviderLimits(RateLimiterFactory factory) {
        this.factory = factory;
    }

    /** Per-provider limits whose limiters {@code factory} builds. */
    public static ProviderLimits of(RateLimiterFactory factory) {
        return new ProviderLimits(factory);
    }

    /** Sets (or replaces) the limits of one provider. */
    public void set(ProviderLimit limit) {
        throw new UnsupportedOperationException("skeleton");
    }

    /** Removes a provider's limits; true when it had some. */
    public boolean remove(String provider) {
        throw new UnsupportedOperationException("skeleton");
    }

    /** The limits of {@code provider}, if any. */
    public Optional<ProviderLimit> get(String provider) {
        throw new UnsupportedOperationException("skeleton");
    }

    /**
     * Takes one request and {@code cost} from the provider's limits; empty when the provider
     * has none (it is unlimited).
     */
    public Optional<Decision> check(String provider, long cost) {
        throw new UnsupportedOperationException("skeleton");
    }

    /**
     * {@link #check} that throws on rejection; returns the pacing delay to wait (zero mostly).
     *
     * @throws RateLimitExceededException naming the provider and the limit
     */
    public Duration acquire(String provider, long cost) {
        throw new UnsupportedOperationException("skeleton");
    }
}
