package io.bulwark.scaling;

import java.util.Map;
import java.util.Objects;
import java.util.Set;

/** What was measured for one metric at decision time. */
public sealed interface Observation permits Observation.PodReadings, Observation.Total, Observation.Unavailable {

    /**
     * Per-pod readings, as the HPA reads resource and pod metrics.
     *
     * @param readings  the value of each ready pod that reported one
     * @param requests  each pod's request of the resource, for {@link MetricTarget.Type#UTILIZATION}; else empty
     * @param missing   running pods that reported nothing: counted at the target on a scale-down and at
     *                  0 on a scale-up, so that missing data never speeds a change up
     * @param unready   pods not ready yet (starting, pending): ignored, or counted at 0 on a scale-up
     */
    record PodReadings(Map<String, Double> readings, Map<String, Double> requests, Set<String> missing,
                       Set<String> unready) implements Observation {

        public PodReadings {
            readings = Map.copyOf(Objects.requireNonNull(readings, "readings must be set"));
            requests = Map.copyOf(Objects.requireNonNull(requests, "requests must be set"));
            missing = Set.copyOf(Objects.requireNonNull(missing, "missing must be set"));
            unready = Set.copyOf(Objects.requireNonNull(unready, "unready must be set"));
        }

        /** Readings of ready pods only. */
        public static PodReadings of(Map<String, Double> readings) {
            return new PodReadings(readings, Map.of(), Set.of(), Set.of());
        }
    }

    /**
     * One value for the whole target (an object or external metric: a queue's lag, requests per second).
     *
     * @param value     the measured total
     * @param readyPods pods ready now, which the HPA multiplies the ratio by
     */
    record Total(double value, int readyPods) implements Observation {
        public Total {
            if (value < 0 || Double.isNaN(value)) {
                throw new IllegalArgumentException("value must be >= 0 but was " + value);
            }
            if (readyPods < 0) {
                throw new IllegalArgumentException("readyPods must be >= 0 but was " + readyPods);
            }
        }
    }

    /** The metric could not be read; the reason is shown in the decision. */
    record Unavailable(String reason) implements Observation {
        public Unavailable {
            Objects.requireNonNull(reason, "reason must be set");
        }
    }
}
