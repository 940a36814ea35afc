package io.bulwark.scaling;

import java.time.Duration;
import java.util.Objects;

/**
 * One rate limit on scaling in one direction, as the HPA's {@code HPAScalingPolicy}: at most
 * {@code value} pods ({@link Type#PODS}) or {@code value} percent of the replicas at the start of
 * the period ({@link Type#PERCENT}) added or removed within {@code period}.
 *
 * @param type   pods or percent
 * @param value  how many pods, or what percent; at least 1
 * @param period the look-back window, 1 s to 30 min
 */
public record ScalingPolicy(Type type, int value, Duration period) {

    /** How {@link #value} counts. */
    public enum Type { PODS, PERCENT }

    public ScalingPolicy {
        Objects.requireNonNull(type, "type must be set");
        Objects.requireNonNull(period, "period must be set");
        if (value < 1) {
            throw new IllegalArgumentException("value must be >= 1 but was " + value);
        }
        if (period.compareTo(Duration.ofSeconds(1)) < 0 || period.compareTo(Duration.ofMinutes(30)) > 0) {
            throw new IllegalArgumentException("period must be between 1s and 30m but was " + period);
        }
    }

    /** At most {@code pods} pods per {@code period}. */
    public static ScalingPolicy pods(int pods, Duration period) {
        return new ScalingPolicy(Type.PODS, pods, period);
    }

    /** At most {@code percent} percent per {@code period}. */
    public static ScalingPolicy percent(int percent, Duration period) {
        return new ScalingPolicy(Type.PERCENT, percent, period);
    }
}
