package io.bulwark.balancer;

import java.time.Duration;
import java.util.Objects;

/**
 * Passive outlier ejection: an endpoint that answers too many 5xx (or gateway errors: 502, 503,
 * 504 and connection failures) in a row is taken out of rotation for
 * {@code min(baseEjectionTime x ejections, maxEjectionTime)}, where {@code ejections} counts how
 * often it was ejected before, so a flapping endpoint stays out longer each time. No more than
 * {@code maxEjectionPercent} of the endpoints are ejected at once (one is always allowed unless the
 * percentage is 0, which turns ejection off).
 *
 * @param consecutive5xx           5xx answers (or failures) in a row that eject; 0 turns this rule off
 * @param consecutiveGatewayErrors 502/503/504 answers or failures in a row that eject; 0 turns this rule off
 * @param baseEjectionTime         the first ejection's length
 * @param maxEjectionTime          the longest ejection
 * @param maxEjectionPercent       most endpoints ejected at once, in percent of all
 */
public record OutlierDetection(int consecutive5xx, int consecutiveGatewayErrors, Duration baseEjectionTime,
                               Duration maxEjectionTime, int maxEjectionPercent) {

    /** Validates the fields. */
    public OutlierDetection {
        Checks.atLeast("consecutive5xx", consecutive5xx, 0);
        Checks.atLeast("consecutiveGatewayErrors", consecutiveGatewayErrors, 0);
        Checks.positive("baseEjectionTime", baseEjectionTime);
        Checks.positive("maxEjectionTime", maxEjectionTime);
        if (maxEjectionTime.compareTo(baseEjectionTime) < 0) {
            throw new IllegalArgumentException("maxEjectionTime must be >= baseEjectionTime (" + baseEjectionTime
                    + ") but was " + maxEjectionTime);
        }
        Checks.between("maxEjectionPercent", maxEjectionPercent, 0, 100);
    }

    /** 5 errors in a row, 30 s growing to at most 5 min, at most half of the endpoints. */
    public static OutlierDetection defaults() {
        return builder().build();
    }

    /** No passive ejection. */
    public static OutlierDetection disabled() {
        return builder().consecutive5xx(0).consecutiveGatewayErrors(0).build();
    }

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** Whether any rule can eject. */
    public boolean enabled() {
        return maxEjectionPercent > 0 && (consecutive5xx > 0 || consecutiveGatewayErrors > 0);
    }

    /** Builds {@link OutlierDetection}; each setter checks its value at once. */
    public static final class Builder {
        private int consecutive5xx = 5;
        private int consecutiveGatewayErrors = 5;
        private Duration baseEjectionTime = Duration.ofSeconds(30);
        private Duration maxEjectionTime = Duration.ofMinutes(5);
        private int maxEjectionPercent = 50;

        private Builder() {
        }

        /** 5xx answers in a row that eject (default 5; 0: off). */
        public Builder consecutive5xx(int value) {
            this.consecutive5xx = Checks.atLeast("consecutive5xx", value, 0);
            return this;
        }

        /** Gateway errors in a row that eject (default 5; 0: off). */
        public Builder consecutiveGatewayErrors(int value) {
            this.consecutiveGatewayErrors = Checks.atLeast("consecutiveGatewayErrors", value, 0);
            return this;
        }

        /** The first ejection's length (default 30 s). */
        public Builder baseEjectionTime(Duration value) {
            this.baseEjectionTime = Checks.positive("baseEjectionTime", value);
            return this;
        }

        /** The longest ejection (default 5 min). */
        public Builder maxEjectionTime(Duration value) {
            this.maxEjectionTime = Checks.positive("maxEjectionTime", value);
            return this;
        }

        /** Most endpoints ejected at once, in percent (default 50; 0: no ejection). */
        public Builder maxEjectionPercent(int value) {
            this.maxEjectionPercent = Checks.between("maxEjectionPercent", value, 0, 100);
            return this;
        }

        /** The settings. */
        public OutlierDetection build() {
            return new OutlierDetection(consecutive5xx, consecutiveGatewayErrors,
                    Objects.requireNonNull(baseEjectionTime), maxEjectionTime, maxEjectionPercent);
        }
    }
}
