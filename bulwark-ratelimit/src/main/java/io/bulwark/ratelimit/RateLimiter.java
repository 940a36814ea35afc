package io.bulwark.ratelimit;

/**
 * A named rate limiter: decides, per key, whether a request of some cost may proceed under
 * every limit of its {@link RateLimitConfig}. Implementations: {@link LocalRateLimiter}
 * (lock-free, in this JVM) and a Redis one (module {@code bulwark-redis}, shared by a fleet).
 *
 * <pre>{@code
 * RateLimiter limiter = LocalRateLimiter.of(RateLimitConfig.of("api", Limit.parse("100/1m")), System::nanoTime);
 * Decision d = limiter.tryAcquire(apiKeyId);
 * Decision llm = limiter.tryAcquire(tenant, promptTokens); // weighted
 * }</pre>
 *
 * <p>Contract for every implementation: a request passes only if every limit passes; a
 * rejection consumes nothing from any limit (all-or-nothing); a cost above a limit's
 * {@link Limit#capacity() capacity} can never pass and is refused with an
 * {@link IllegalArgumentException}. Implementations are thread-safe.
 */
public interface RateLimiter {

    /** The limiter's name (the config's name). */
    default String name() {
        return config().name();
    }

    /** The configuration this limiter enforces. */
    RateLimitConfig config();

    /**
     * Takes {@code cost} permits from every limit for {@code key}, or none.
     *
     * @param key  the key (API key id, client IP, tenant, provider), not null
     * @param cost the weight of this request, {@code >= 1}
     * @throws IllegalArgumentException when cost is below 1 or above a limit's capacity
     */
    Decision tryAcquire(String key, long cost);

    /** {@link #tryAcquire(String, long)} with cost 1. */
    default Decision tryAcquire(String key) {
        return tryAcquire(key, 1);
    }

    /**
     * Takes {@code cost} permits from every limit for {@code key} if the request may proceed
     * now, and says whether it did: the call for callers that need no {@code X-RateLimit-*}
     * figures, which a local limiter answers without allocating a {@link Decision}.
     *
     * <pre>{@code
     * if (!limiter.tryAcquirePermit(clientIp)) {
     *     return tooManyRequests();
     * }
     * }</pre>
     *
     * <p>Pacing limits hand out no delay here: a request that {@link #tryAcquire(String, long)}
     * would admit with a delay is refused. {@link LocalRateLimiter} refuses it as it refuses any
     * request, consuming nothing (as if {@code maxDelay} were zero). This default, built on
     * {@code tryAcquire}, cannot take the queued request back: it has used its permits, which
     * errs towards fewer calls, never more. Implementations whose limits do not pace answer
     * exactly {@code tryAcquire(key, cost).allowed()}.
     *
     * @param key  the key, not null
     * @param cost the weight of this request, {@code >= 1}
     * @return true when the caller may proceed at once
     * @throws IllegalArgumentException when cost is below 1 or above a limit's capacity
     */
    default boolean tryAcquirePermit(String key, long cost) {
        Decision d = tryAcquire(key, cost);
        return d.allowed() && d.delay().isZero();
    }

    /** {@link #tryAcquirePermit(String, long)} with cost 1. */
    default boolean tryAcquirePermit(String key) {
        return tryAcquirePermit(key, 1);
    }

    /** The current usage of {@code key}; consumes nothing. */
    Usage usage(String key);

    /** How many keys the limiter holds state for now, or -1 when it cannot tell cheaply. */
    default long trackedKeys() {
        return -1;
    }
}
