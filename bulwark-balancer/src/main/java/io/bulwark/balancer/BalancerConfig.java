package io.bulwark.balancer;

import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link LoadBalancer} behaves. Immutable; build it with {@link #builder()}.
 *
 * <pre>{@code
 * BalancerConfig config = BalancerConfig.builder()
 *         .strategy(Strategy.LEAST_REQUESTS)
 *         .slowStart(Duration.ofSeconds(30))
 *         .outlierDetection(OutlierDetection.builder().consecutive5xx(3).build())
 *         .build();
 * }</pre>
 *
 * @param strategy          how endpoints are chosen
 * @param slowStart         how long a new or recovered endpoint's weight ramps from 10% to 100%; zero: off
 * @param panicThreshold    percent of endpoints that must be available; below it all endpoints are used
 * @param capacityAware     skip endpoints whose {@link Endpoint#maxConcurrent()} is reached
 * @param boundedLoadFactor consistent hash: no endpoint above {@code ceil(factor x average)} in flight; >= 1
 * @param virtualNodes      consistent and IP hash: ring points per unit of weight
 * @param ewmaDecay         latency-aware: the EWMA's time constant (older samples fade over about this long)
 * @param errorPenalty      latency-aware: a 429 or 5xx counts as a latency of at least this much
 * @param outlierDetection  passive ejection settings
 * @param healthCheck       active health check settings (used by a {@link HealthChecker})
 */
public record BalancerConfig(Strategy strategy, Duration slowStart, int panicThreshold, boolean capacityAware,
                             double boundedLoadFactor, int virtualNodes, Duration ewmaDecay, Duration errorPenalty,
                             OutlierDetection outlierDetection, HealthCheck healthCheck) {

    /** Validates the fields. */
    public BalancerConfig {
        Objects.requireNonNull(strategy, "strategy");
        Checks.notNegative("slowStart", slowStart);
        Checks.between("panicThreshold", panicThreshold, 0, 100);
        requireFactor(boundedLoadFactor);
        Checks.between("virtualNodes", virtualNodes, 1, 1000);
        Checks.positive("ewmaDecay", ewmaDecay);
        Checks.notNegative("errorPenalty", errorPenalty);
        Objects.requireNonNull(outlierDetection, "outlierDetection");
        Objects.requireNonNull(healthCheck, "healthCheck");
    }

    /** Round robin, no slow start, panic below 50%, bound 1.25, default outlier detection and health checks. */
    public static BalancerConfig defaults() {
        return builder().build();
    }

    /** The defaults with another strategy. */
    public static BalancerConfig of(Strategy strategy) {
        return builder().strategy(strategy).build();
    }

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from this config. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.strategy = strategy;
        b.slowStart = slowStart;
        b.panicThreshold = panicThreshold;
        b.capacityAware = capacityAware;
        b.boundedLoadFactor = boundedLoadFactor;
        b.virtualNodes = virtualNodes;
        b.ewmaDecay = ewmaDecay;
        b.errorPenalty = errorPenalty;
        b.outlierDetection = outlierDetection;
        b.healthCheck = healthCheck;
        return b;
    }

    private static double requireFactor(double value) {
        if (!(value >= 1.0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException("boundedLoadFactor must be >= 1.0 but was " + value);
        }
        return value;
    }

    /** Builds {@link BalancerConfig}; each setter checks its value at once. */
    public static final class Builder {
        private Strategy strategy = Strategy.ROUND_ROBIN;
        private Duration slowStart = Duration.ZERO;
        private int panicThreshold = 50;
        private boolean capacityAware = true;
        private double boundedLoadFactor = 1.25;
        private int virtualNodes = 100;
        private Duration ewmaDecay = Duration.ofSeconds(10);
        private Duration errorPenalty = Duration.ofSeconds(1);
        private OutlierDetection outlierDetection = OutlierDetection.defaults();
        private HealthCheck healthCheck = HealthCheck.defaults();

        private Builder() {
        }

        /** How endpoints are chosen (default round robin). */
        public Builder strategy(Strategy value) {
            this.strategy = Objects.requireNonNull(value, "strategy");
            return this;
        }

        /** The strategy by config name, e.g. {@code least-requests}. */
        public Builder strategy(String name) {
            return strategy(Strategy.parse(name));
        }

        /** Weight ramp for new and recovered endpoints (default zero: off). */
        public Builder slowStart(Duration value) {
            this.slowStart = Checks.notNegative("slowStart", value);
            return this;
        }

        /** Percent of endpoints that must be available, below which all are used (default 50; 0: never panic). */
        public Builder panicThreshold(int value) {
            this.panicThreshold = Checks.between("panicThreshold", value, 0, 100);
            return this;
        }

        /** Skip endpoints at their max concurrent (default true). */
        public Builder capacityAware(boolean value) {
            this.capacityAware = value;
            return this;
        }

        /** Consistent hash load bound, >= 1.0 (default 1.25). */
        public Builder boundedLoadFactor(double value) {
            this.boundedLoadFactor = requireFactor(value);
            return this;
        }

        /** Ring points per unit of weight, 1 to 1000 (default 100). */
        public Builder virtualNodes(int value) {
            this.virtualNodes = Checks.between("virtualNodes", value, 1, 1000);
            return this;
        }

        /** The latency EWMA's time constant (default 10 s). */
        public Builder ewmaDecay(Duration value) {
            this.ewmaDecay = Checks.positive("ewmaDecay", value);
            return this;
        }

        /** Least latency an error counts as (default 1 s). */
        public Builder errorPenalty(Duration value) {
            this.errorPenalty = Checks.notNegative("errorPenalty", value);
            return this;
        }

        /** Passive ejection settings (default {@link OutlierDetection#defaults()}). */
        public Builder outlierDetection(OutlierDetection value) {
            this.outlierDetection = Objects.requireNonNull(value, "outlierDetection");
            return this;
        }

        /** Active check settings (default {@link HealthCheck#defaults()}). */
        public Builder healthCheck(HealthCheck value) {
            this.healthCheck = Objects.requireNonNull(value, "healthCheck");
            return this;
        }

        /** The config. */
        public BalancerConfig build() {
            return new BalancerConfig(strategy, slowStart, panicThreshold, capacityAware, boundedLoadFactor,
                    virtualNodes, ewmaDecay, errorPenalty, outlierDetection, healthCheck);
        }
    }
}
