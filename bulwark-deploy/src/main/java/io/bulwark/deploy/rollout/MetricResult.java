package io.bulwark.deploy.rollout;

import java.util.ArrayList;
import java.util.List;

/**
 * Where one metric of an analysis run stands: its counters (Argo's {@code MetricResult}) and
 * every measurement taken.
 *
 * @param name             the metric
 * @param phase            pending, running, or its final phase
 * @param count            measurements that were not errors
 * @param successful       successful measurements
 * @param failed           failed measurements
 * @param inconclusive     inconclusive measurements
 * @param error            error measurements
 * @param consecutiveError errors in a row since the last non-error measurement
 * @param message          why it ended as it did, or null
 * @param measurements     oldest first
 */
public record MetricResult(String name, AnalysisPhase phase, int count, int successful, int failed,
                           int inconclusive, int error, int consecutiveError, String message,
                           List<Measurement> measurements) {

    public MetricResult {
        measurements = List.copyOf(measurements);
    }

    /** A metric nothing was measured for yet. */
    public static MetricResult pending(String name) {
        return new MetricResult(name, AnalysisPhase.PENDING, 0, 0, 0, 0, 0, 0, null, List.of());
    }

    /** The last measurement, or null. */
    public Measurement last() {
        return measurements.isEmpty() ? null : measurements.getLast();
    }

    /** This result with one more measurement counted (Argo's {@code runMeasurements}). */
    public MetricResult with(Measurement m) {
        List<Measurement> all = new ArrayList<>(measurements);
        all.add(m);
        return switch (m.phase()) {
            case SUCCESSFUL -> new MetricResult(name, AnalysisPhase.RUNNING, count + 1, successful + 1, failed, inconclusive, error, 0, message, all);
            case FAILED -> new MetricResult(name, AnalysisPhase.RUNNING, count + 1, successful, failed + 1, inconclusive, error, 0, message, all);
            case INCONCLUSIVE -> new MetricResult(name, AnalysisPhase.RUNNING, count + 1, successful, failed, inconclusive + 1, error, 0, message, all);
            case ERROR -> new MetricResult(name, AnalysisPhase.RUNNING, count, successful, failed, inconclusive, error + 1, consecutiveError + 1, message, all);
            default -> throw new IllegalArgumentException("a measurement is completed, not " + m.phase());
        };
    }

    /** This result in {@code phase}, with {@code why}. */
    public MetricResult in(AnalysisPhase newPhase, String why) {
        return new MetricResult(name, newPhase, count, successful, failed, inconclusive, error, consecutiveError, why, measurements);
    }
}
