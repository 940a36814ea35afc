package io.bulwark.scaling;

import java.util.List;
import java.util.Objects;

/**
 * What an {@link Autoscaler} aims for, as an HPA's spec: bounds, metric targets, the tolerance and
 * the behavior of each direction.
 *
 * @param minReplicas at least 0 (0 lets a {@link MetricTarget.Type#VALUE} metric scale from and to zero)
 * @param maxReplicas at least {@code minReplicas} and 1
 * @param targets     at least one metric target
 * @param tolerance   the HPA's tolerance (default 0.1)
 * @param scaleUp     how fast to grow (default {@link ScalingRules#defaultScaleUp()})
 * @param scaleDown   how fast to shrink (default {@link ScalingRules#defaultScaleDown()})
 */
public record AutoscalerPolicy(int minReplicas, int maxReplicas, List<MetricTarget> targets, double tolerance,
                               ScalingRules scaleUp, ScalingRules scaleDown) {

    public AutoscalerPolicy {
        targets = List.copyOf(Objects.requireNonNull(targets, "targets must be set"));
        Objects.requireNonNull(scaleUp, "scaleUp must be set");
        Objects.requireNonNull(scaleDown, "scaleDown must be set");
        if (minReplicas < 0) {
            throw new IllegalArgumentException("minReplicas must be >= 0 but was " + minReplicas);
        }
        if (maxReplicas < Math.max(1, minReplicas)) {
            throw new IllegalArgumentException("maxReplicas must be >= max(1, minReplicas " + minReplicas + ") but was "
                    + maxReplicas);
        }
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("targets must hold at least one metric target");
        }
        if (!(tolerance >= 0) || tolerance >= 1) {
            throw new IllegalArgumentException("tolerance must be >= 0 and < 1 but was " + tolerance);
        }
    }

    /** The HPA's defaults for tolerance and behavior. */
    public static AutoscalerPolicy of(int minReplicas, int maxReplicas, List<MetricTarget> targets) {
        return new AutoscalerPolicy(minReplicas, maxReplicas, targets, 0.1, ScalingRules.defaultScaleUp(),
                ScalingRules.defaultScaleDown());
    }

    public AutoscalerPolicy withScaleUp(ScalingRules rules) {
        return new AutoscalerPolicy(minReplicas, maxReplicas, targets, tolerance, rules, scaleDown);
    }

    public AutoscalerPolicy withScaleDown(ScalingRules rules) {
        return new AutoscalerPolicy(minReplicas, maxReplicas, targets, tolerance, scaleUp, rules);
    }

    public AutoscalerPolicy withTolerance(double tolerance) {
        return new AutoscalerPolicy(minReplicas, maxReplicas, targets, tolerance, scaleUp, scaleDown);
    }
}
