package io.bulwark.core.health;

import java.util.Map;

/** Stub checks for tests. */
final class Checks {

    private Checks() {
    }

    /** A check that always reports {@code status} and may fail without failing readiness. */
    static HealthCheck notGatingReadiness(String name, HealthStatus status) {
        return new HealthCheck() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public boolean readiness() {
                return false;
            }

            @Override
            public HealthResult check() {
                return new HealthResult(status, Map.of());
            }
        };
    }

    /** A readiness check that always reports {@code status}. */
    static HealthCheck gatingReadiness(String name, HealthStatus status) {
        return HealthCheck.of(name, () -> new HealthResult(status, Map.of()));
    }
}
