package io.bulwark.deploy.rollout;

import java.time.Instant;
import java.util.List;

/**
 * A snapshot of an analysis run: plain data, saved with the rollout's state so a restarted
 * controller picks the run up where it was.
 *
 * @param name        what it analyses, e.g. {@code step-2}, {@code pre-promotion}
 * @param step        the step index it belongs to (-1 when it belongs to no canary step)
 * @param startedAt   when it started
 * @param phase       running, or its final phase
 * @param message     why it ended as it did, or null
 * @param terminated  whether it was told to stop (the step ended, the rollout was promoted or aborted)
 * @param finishedAt  when it ended, or null
 * @param metrics     one result per metric
 */
public record AnalysisRunState(String name, int step, Instant startedAt, AnalysisPhase phase, String message,
                               boolean terminated, Instant finishedAt, List<MetricResult> metrics) {
    public AnalysisRunState {
        metrics = List.copyOf(metrics);
    }
}
