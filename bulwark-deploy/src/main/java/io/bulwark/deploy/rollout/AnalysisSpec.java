package io.bulwark.deploy.rollout;

import java.util.List;

/**
 * An analysis: metrics measured together; it succeeds when all of them do (Argo Rollouts'
 * AnalysisTemplate, inline).
 */
public record AnalysisSpec(List<MetricSpec> metrics) {
    public AnalysisSpec {
        metrics = List.copyOf(metrics);
    }
}
