package io.bulwark.core.health;

/**
 * One health check, contributed by any module (store, disk, memory; later brokers, Redis,
 * the scheduler). Checks run concurrently under a timeout; one that overruns is reported DOWN
 * as timed out rather than holding the whole report.
 *
 * <pre>{@code
 * HealthCheck store = HealthCheck.of("store", () -> store.ping()
 *         ? HealthResult.up(Map.of()) : HealthResult.down(Map.of("error", "no answer")));
 * }</pre>
 */
public interface HealthCheck {

    /** A short stable name: {@code store}, {@code diskSpace}. */
    String name();

    /** Whether a DOWN result makes the node not ready (it then stops receiving traffic). */
    default boolean readiness() {
        return true;
    }

    /** Runs the check. An exception counts as DOWN, with its message in the details. */
    HealthResult check() throws Exception;

    /** A readiness check from a lambda. */
    static HealthCheck of(String name, Probe probe) {
        return new HealthCheck() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public HealthResult check() throws Exception {
                return probe.check();
            }
        };
    }

    /** The body of a check, as a lambda. */
    @FunctionalInterface
    interface Probe {
        HealthResult check() throws Exception;
    }
}
