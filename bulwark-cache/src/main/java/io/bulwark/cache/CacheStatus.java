package io.bulwark.cache;

import io.bulwark.core.health.HealthStatus;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Whether a cache works as configured, for {@code /health} and the dashboard.
 *
 * @param cache the cache's name
 * @param status UP, or DEGRADED while the L2 is bypassed (Redis does not answer) or the
 *     invalidation bus is disconnected; never DOWN, since a degraded cache still serves
 * @param since when the cache entered this status
 * @param lastError the last Redis error seen (kept after recovery, for the record), if any
 * @param l2 whether the cache has an L2 (and so a bus)
 * @param busConnected whether invalidations from other nodes are being received
 */
public record CacheStatus(String cache, HealthStatus status, Instant since, Optional<String> lastError,
                          boolean l2, boolean busConnected) {

    /** Validates. */
    public CacheStatus {
        Objects.requireNonNull(cache, "cache");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(since, "since");
        Objects.requireNonNull(lastError, "lastError");
    }

    /** True while the cache runs without part of what it was built with. */
    public boolean degraded() {
        return status != HealthStatus.UP;
    }
}
