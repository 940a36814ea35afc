package io.bulwark.scaling;

import java.util.Objects;

/**
 * What one metric should be, as an HPA {@code MetricTarget}.
 *
 * @param metric the metric's name, e.g. {@code cpu}, {@code queue_lag:mail}
 * @param type   how {@code value} reads
 * @param value  the target: percent of the request for {@link Type#UTILIZATION}, a per-pod
 *               average for {@link Type#AVERAGE_VALUE}, a total for {@link Type#VALUE}; above 0
 */
public record MetricTarget(String metric, Type type, double value) {

    /** The HPA's target types. */
    public enum Type {
        /** Per-pod readings as a percent of each pod's request (resource metrics: CPU, memory). */
        UTILIZATION,
        /** Per-pod readings (or a total divided over the pods) against an average per pod. */
        AVERAGE_VALUE,
        /** One total (an object or external metric, e.g. a queue's lag) against a total. */
        VALUE
    }

    public MetricTarget {
        Objects.requireNonNull(metric, "metric must be set");
        Objects.requireNonNull(type, "type must be set");
        if (metric.isBlank()) {
            throw new IllegalArgumentException("metric must not be blank");
        }
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException("value must be a number above 0 but was " + value);
        }
    }

    public static MetricTarget utilization(String metric, double percent) {
        return new MetricTarget(metric, Type.UTILIZATION, percent);
    }

    public static MetricTarget averageValue(String metric, double perPod) {
        return new MetricTarget(metric, Type.AVERAGE_VALUE, perPod);
    }

    public static MetricTarget value(String metric, double total) {
        return new MetricTarget(metric, Type.VALUE, total);
    }
}
