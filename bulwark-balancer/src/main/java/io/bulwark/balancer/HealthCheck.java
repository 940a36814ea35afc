package io.bulwark.balancer;

import java.time.Duration;

/**
 * Active health checks: every {@code interval} a {@link HealthChecker} asks each endpoint for
 * {@code path} and gives up after {@code timeout}; an endpoint becomes unhealthy after
 * {@code unhealthyThreshold} failed checks in a row and healthy again after
 * {@code healthyThreshold} passed checks in a row. Endpoints start healthy.
 *
 * @param path               the path asked, e.g. {@code /health}; a 2xx answer passes
 * @param interval           time between rounds
 * @param timeout            how long one check may take
 * @param healthyThreshold   passed checks in a row that make an unhealthy endpoint healthy
 * @param unhealthyThreshold failed checks in a row that make a healthy endpoint unhealthy
 */
public record HealthCheck(String path, Duration interval, Duration timeout, int healthyThreshold,
                          int unhealthyThreshold) {

    /** Validates the fields. */
    public HealthCheck {
        requirePath(path);
        Checks.positive("healthInterval", interval);
        Checks.positive("healthTimeout", timeout);
        Checks.atLeast("healthyThreshold", healthyThreshold, 1);
        Checks.atLeast("unhealthyThreshold", unhealthyThreshold, 1);
    }

    /** {@code /health} every 10 s, 2 s timeout, healthy after 2 passes, unhealthy after 3 failures. */
    public static HealthCheck defaults() {
        return builder().build();
    }

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    private static String requirePath(String path) {
        if (path == null || !path.startsWith("/")) {
            throw new IllegalArgumentException("healthPath must start with / but was '" + path + "'");
        }
        return path;
    }

    /** Builds {@link HealthCheck}; each setter checks its value at once. */
    public static final class Builder {
        private String path = "/health";
        private Duration interval = Duration.ofSeconds(10);
        private Duration timeout = Duration.ofSeconds(2);
        private int healthyThreshold = 2;
        private int unhealthyThreshold = 3;

        private Builder() {
        }

        /** The path checked (default {@code /health}). */
        public Builder path(String value) {
            this.path = requirePath(value);
            return this;
        }

        /** Time between rounds (default 10 s). */
        public Builder interval(Duration value) {
            this.interval = Checks.positive("healthInterval", value);
            return this;
        }

        /** How long one check may take (default 2 s). */
        public Builder timeout(Duration value) {
            this.timeout = Checks.positive("healthTimeout", value);
            return this;
        }

        /** Passes in a row that make an endpoint healthy (default 2). */
        public Builder healthyThreshold(int value) {
            this.healthyThreshold = Checks.atLeast("healthyThreshold", value, 1);
            return this;
        }

        /** Failures in a row that make an endpoint unhealthy (default 3). */
        public Builder unhealthyThreshold(int value) {
            this.unhealthyThreshold = Checks.atLeast("unhealthyThreshold", value, 1);
            return this;
        }

        /** The settings. */
        public HealthCheck build() {
            return new HealthCheck(path, interval, timeout, healthyThreshold, unhealthyThreshold);
        }
    }
}
