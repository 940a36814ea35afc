package io.bulwark.scaling;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How fast one direction may move, as the HPA's {@code HPAScalingRules}.
 *
 * @param stabilizationWindow past recommendations considered: scaling up takes the lowest within it,
 *                            scaling down the highest (0 to 1 h)
 * @param select              which policy wins when several apply
 * @param policies            the rate limits; at least one unless {@code select} is {@link Select#DISABLED}
 */
public record ScalingRules(Duration stabilizationWindow, Select select, List<ScalingPolicy> policies) {

    /** The HPA's {@code selectPolicy}. */
    public enum Select {
        /** The policy that allows the largest change (the default). */
        MAX,
        /** The policy that allows the smallest change. */
        MIN,
        /** No scaling in this direction. */
        DISABLED
    }

    public ScalingRules {
        Objects.requireNonNull(stabilizationWindow, "stabilizationWindow must be set");
        Objects.requireNonNull(select, "select must be set");
        policies = List.copyOf(Objects.requireNonNull(policies, "policies must be set"));
        if (stabilizationWindow.isNegative() || stabilizationWindow.compareTo(Duration.ofHours(1)) > 0) {
            throw new IllegalArgumentException("stabilizationWindow must be between 0s and 1h but was " + stabilizationWindow);
        }
        if (policies.isEmpty() && select != Select.DISABLED) {
            throw new IllegalArgumentException("policies must hold at least one policy unless select is DISABLED");
        }
    }

    /** The HPA's default for scaling up: no stabilization; 4 pods or 100% per 15 s, whichever is more. */
    public static ScalingRules defaultScaleUp() {
        return new ScalingRules(Duration.ZERO, Select.MAX, List.of(ScalingPolicy.pods(4, Duration.ofSeconds(15)),
                ScalingPolicy.percent(100, Duration.ofSeconds(15))));
    }

    /** The HPA's default for scaling down: a 5-minute window; all pods may go within 15 s. */
    public static ScalingRules defaultScaleDown() {
        return new ScalingRules(Duration.ofMinutes(5), Select.MAX, List.of(ScalingPolicy.percent(100, Duration.ofSeconds(15))));
    }

    /** The longest policy period: scale events older than it no longer matter. */
    public Duration longestPeriod() {
        return policies.stream().map(ScalingPolicy::period).max(Duration::compareTo).orElse(Duration.ZERO);
    }
}
