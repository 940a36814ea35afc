package io.bulwark.ratelimit;

import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * A rate limiter in this JVM: per-key state in a bounded map of immutable states updated by
 * CAS (lock-free), exact integer arithmetic in nanoseconds, time from an injected ticker.
 *
 * <pre>{@code
 * LocalRateLimiter limiter = LocalRateLimiter.of(
 *         RateLimitConfig.builder("api").limits("100/1m,5000/1h").build(), System::nanoTime);
 * Decision d = limiter.tryAcquire("key-42");
 * }</pre>
 *
 * <p>The map holds at most {@link RateLimitConfig#maxKeys()} keys: past that, keys that are
 * fully replenished (forgetting them changes nothing) go first, then the longest idle, so a
 * flood of keys cannot exhaust memory. {@link #evictIdle()} drops replenished keys on demand
 * (a caller may schedule it; the limiter starts no threads).
 */
public final class LocalRateLimiter implements RateLimiter {

    private final RateLimitConfig config;
    private final LongSupplier ticker;

    private LocalRateLimiter(RateLimitConfig config, LongSupplier ticker) {
        this.config = Objects.requireNonNull(config, "config");
        this.ticker = Objects.requireNonNull(ticker, "ticker");
    }

    /**
     * A limiter enforcing {@code config}, reading time from {@code nanoTicker}
     * ({@code System::nanoTime} in production, a settable ticker in tests).
     */
    public static LocalRateLimiter of(RateLimitConfig config, LongSupplier nanoTicker) {
        return new LocalRateLimiter(config, nanoTicker);
    }

    @Override
    public RateLimitConfig config() {
        return config;
    }

    @Override
    public Decision tryAcquire(String key, long cost) {
        throw new UnsupportedOperationException("skeleton");
    }

    @Override
    public Usage usage(String key) {
        throw new UnsupportedOperationException("skeleton");
    }

    @Override
    public long trackedKeys() {
        throw new UnsupportedOperationException("skeleton");
    }

    /** Drops every key whose limits are all fully replenished; returns how many went. */
    public int evictIdle() {
        throw new UnsupportedOperationException("skeleton");
    }
}
