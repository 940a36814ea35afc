package io.bulwark.core.health;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The result of running every check.
 *
 * @param status healthy when every check is UP; degraded when one is DEGRADED or a check that
 *               does not gate readiness is DOWN; unhealthy when a readiness check is DOWN
 * @param checks each check's outcome
 */
public record HealthReport(Overall status, List<Check> checks) {

    /** The overall verdict. */
    public enum Overall { HEALTHY, DEGRADED, UNHEALTHY }

    /**
     * One check's outcome.
     *
     * @param name the check's name
     * @param status its state
     * @param readiness whether it gates readiness
     * @param details what it found
     * @param latency how long it took (the timeout, when it timed out)
     */
    public record Check(String name, HealthStatus status, boolean readiness, Map<String, Object> details, Duration latency) {
    }

    public HealthReport {
        checks = List.copyOf(checks);
    }

    /** Builds a report, deriving the overall verdict from the checks. */
    public static HealthReport of(List<Check> checks) {
        Overall overall = Overall.HEALTHY;
        for (Check c : checks) {
            if (c.status() == HealthStatus.DOWN && c.readiness()) {
                overall = Overall.UNHEALTHY;
                break;
            }
            if (c.status() != HealthStatus.UP) {
                overall = Overall.DEGRADED;
            }
        }
        return new HealthReport(overall, checks);
    }

    /** The readiness checks that are DOWN: empty when the node may take traffic. */
    public List<Check> failingReadiness() {
        return checks.stream().filter(c -> c.readiness() && c.status() == HealthStatus.DOWN).toList();
    }
}
