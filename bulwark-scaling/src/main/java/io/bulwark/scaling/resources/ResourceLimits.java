package io.bulwark.scaling.resources;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Warning thresholds on snapshot figures ({@code scaling.limits.<figure>}): a figure above its
 * threshold is a breach, which turns the monitor's health check DEGRADED.
 *
 * @param thresholds figure name (as in {@link ResourceSnapshot#figures()}) to the value it must not exceed
 */
public record ResourceLimits(Map<String, Double> thresholds) {

    /** The figures a limit may name. */
    public static final List<String> FIGURES = List.copyOf(new ResourceSnapshot(java.time.Instant.EPOCH, 0, 0, 0, 0, 0, 0,
            0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0).figures().keySet());

    /** A figure over its threshold. */
    public record Breach(String figure, double value, double threshold) {
        @Override
        public String toString() {
            return figure + " is " + Math.round(value * 10) / 10.0 + " (limit " + threshold + ")";
        }
    }

    public ResourceLimits {
        thresholds = java.util.Collections.unmodifiableMap(new TreeMap<>(Objects.requireNonNull(thresholds,
                "thresholds must be set")));
        for (Map.Entry<String, Double> e : thresholds.entrySet()) {
            if (!FIGURES.contains(e.getKey())) {
                throw new IllegalArgumentException("a limit names '" + e.getKey() + "', which is not a figure; figures: "
                        + String.join(", ", FIGURES));
            }
            if (e.getValue() == null || !(e.getValue() >= 0)) {
                throw new IllegalArgumentException("the limit of " + e.getKey() + " must be >= 0 but was " + e.getValue());
            }
        }
    }

    /** The defaults: heap, memory (of the container's limit) and file descriptors above 90%. */
    public static ResourceLimits defaults() {
        return new ResourceLimits(Map.of("heap.percent", 90.0, "memory.percent", 90.0, "fds.percent", 90.0));
    }

    /** The figures of {@code s} above their thresholds; unknown figures (-1) never breach. */
    public List<Breach> check(ResourceSnapshot s) {
        Map<String, Double> figures = s.figures();
        List<Breach> out = new ArrayList<>();
        thresholds.forEach((figure, limit) -> {
            double v = figures.getOrDefault(figure, -1.0);
            if (v >= 0 && v > limit) {
                out.add(new Breach(figure, v, limit));
            }
        });
        return out;
    }
}
