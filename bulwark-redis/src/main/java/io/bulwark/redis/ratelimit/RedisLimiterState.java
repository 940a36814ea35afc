package io.bulwark.redis.ratelimit;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Whether a {@link RedisRateLimiter} decides on Redis or on its failure mode, since when, and
 * the last error Redis gave; for {@code /health} and the dashboard.
 *
 * @param status CONNECTED or DEGRADED
 * @param since when the limiter entered this status
 * @param lastError the last Redis error seen (kept after recovery, for the record), if any
 * @param mode the failure mode that applies while DEGRADED
 */
public record RedisLimiterState(Status status, Instant since, Optional<String> lastError, RedisFailureMode mode) {

    /** The two states. */
    public enum Status {
        /** Decisions come from Redis. */
        CONNECTED,
        /** Redis did not answer; decisions come from the failure mode until a probe succeeds. */
        DEGRADED
    }

    /** Validates. */
    public RedisLimiterState {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(since, "since");
        Objects.requireNonNull(lastError, "lastError");
        Objects.requireNonNull(mode, "mode");
    }

    /** True while decisions come from the failure mode. */
    public boolean degraded() {
        return status == Status.DEGRADED;
    }
}
