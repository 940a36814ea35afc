package io.bulwark.redis.ratelimit.internal;

import io.bulwark.ratelimit.Decision;
import io.bulwark.ratelimit.Limit;
import io.bulwark.ratelimit.LimitUsage;
import io.bulwark.ratelimit.LocalRateLimiter;
import io.bulwark.ratelimit.RateLimitConfig;
import io.bulwark.ratelimit.Usage;
import io.bulwark.redis.ratelimit.RedisFailureMode;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * The decisions of a failure mode: allow everything, reject everything (retry after the
 * recovery back-off, when Redis is tried again), or a local limiter holding this node's share.
 */
public final class Fallback {

    private final RedisFailureMode mode;
    private final RateLimitConfig config;
    private final Duration retryAfter;
    private final LocalRateLimiter local;

    /** The fallback of {@code config} in {@code mode}; a LOCAL one keeps {@code 1 / nodes} of each limit. */
    public Fallback(RedisFailureMode mode, RateLimitConfig config, int nodes, Duration retryAfter, LongSupplier ticker) {
        this.mode = mode;
        this.config = config;
        this.retryAfter = retryAfter;
        this.local = mode == RedisFailureMode.LOCAL ? LocalRateLimiter.of(config.share(nodes), ticker) : null;
    }

    /** The decision for {@code key} and {@code cost} while Redis is away. */
    public Decision decide(String key, long cost) {
        Limit first = config.limits().getFirst();
        return switch (mode) {
            case FAIL_OPEN -> Decision.allow(first, first.capacity(), Duration.ZERO, Duration.ZERO);
            case FAIL_CLOSED -> Decision.reject(first, 0, retryAfter, retryAfter);
            case LOCAL -> decideLocally(key, cost);
        };
    }

    /** The usage while Redis is away: the local share's in LOCAL mode, otherwise unknown (reported unused). */
    public Usage usage(String key) {
        if (local == null) {
            return new Usage(config.name(), key, config.limits().stream().map(LimitUsage::unused).toList());
        }
        return local.usage(key);
    }

    private Decision decideLocally(String key, long cost) {
        for (Limit l : local.config().limits()) {
            if (cost > l.capacity()) {
                // fits the whole fleet's limit but not this node's share: it cannot pass locally
                return Decision.reject(l, 0, retryAfter, retryAfter);
            }
        }
        return local.tryAcquire(key, cost);
    }
}
