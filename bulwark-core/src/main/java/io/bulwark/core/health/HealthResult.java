package io.bulwark.core.health;

import java.util.Map;
import java.util.Objects;

/**
 * What a {@link HealthCheck} found.
 *
 * @param status the state
 * @param details facts that explain the state (free bytes, latency of a ping, an error); never secrets
 */
public record HealthResult(HealthStatus status, Map<String, Object> details) {

    public HealthResult {
        Objects.requireNonNull(status, "status");
        details = Map.copyOf(details);
    }

    public static HealthResult up(Map<String, Object> details) {
        return new HealthResult(HealthStatus.UP, details);
    }

    public static HealthResult degraded(Map<String, Object> details) {
        return new HealthResult(HealthStatus.DEGRADED, details);
    }

    public static HealthResult down(Map<String, Object> details) {
        return new HealthResult(HealthStatus.DOWN, details);
    }
}
