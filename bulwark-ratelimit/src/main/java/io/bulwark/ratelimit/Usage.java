package io.bulwark.ratelimit;

import java.util.List;
import java.util.Objects;

/**
 * The current usage of one key of one limiter, per limit, in the order of
 * {@link RateLimitConfig#limits()}. Reading usage consumes nothing.
 *
 * @param limiter the limiter's name
 * @param key     the key
 * @param limits  one entry per configured limit
 */
public record Usage(String limiter, String key, List<LimitUsage> limits) {

    /** Validates and copies. */
    public Usage {
        Objects.requireNonNull(limiter, "limiter");
        Objects.requireNonNull(key, "key");
        limits = List.copyOf(limits);
    }
}
