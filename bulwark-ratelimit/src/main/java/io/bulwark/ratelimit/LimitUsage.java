package io.bulwark.ratelimit;

import java.time.Duration;
import java.util.Objects;

/**
 * The current state of one limit for one key, as {@code GET /api/v1/rate-limits/{name}/keys/{key}}
 * reports it.
 *
 * @param limit      the limit
 * @param used       permits in use now (tokens missing from a bucket, requests counted in a window)
 * @param remaining  permits a request could take now
 * @param resetAfter time until the limit is fully replenished or its window resets
 */
public record LimitUsage(Limit limit, long used, long remaining, Duration resetAfter) {

    /** Validates. */
    public LimitUsage {
        Objects.requireNonNull(limit, "limit");
        Objects.requireNonNull(resetAfter, "resetAfter");
        if (used < 0 || remaining < 0) {
            throw new IllegalArgumentException("used and remaining must be >= 0 but were " + used + " and " + remaining);
        }
    }

    /** The usage of a key the limiter has never seen (or has forgotten): nothing used. */
    public static LimitUsage unused(Limit limit) {
        return new LimitUsage(limit, 0, limit.capacity(), Duration.ZERO);
    }
}
