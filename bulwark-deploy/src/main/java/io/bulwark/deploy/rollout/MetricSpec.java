package io.bulwark.deploy.rollout;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * One metric of an analysis, with Argo Rollouts' fields and defaults.
 *
 * @param name                  unique within its analysis
 * @param provider              {@code prometheus} or {@code bulwark}
 * @param providerSettings      the provider's settings other than the query ({@code address})
 * @param query                 what the source is asked
 * @param successCondition      an expression over {@code result}, or null
 * @param failureCondition      an expression over {@code result}, or null
 * @param interval              time between measurements, or null for one measurement
 * @param count                 how many measurements, 0 for unset (see {@link #effectiveCount()})
 * @param failureLimit          failed measurements allowed (default 0; -1 disables)
 * @param inconclusiveLimit     inconclusive measurements allowed (default 0)
 * @param consecutiveErrorLimit errors in a row allowed (default 4)
 * @param initialDelay          wait before the first measurement, or null
 */
public record MetricSpec(String name, String provider, Map<String, Object> providerSettings, String query,
                         String successCondition, String failureCondition, Duration interval, int count,
                         int failureLimit, int inconclusiveLimit, int consecutiveErrorLimit,
                         Duration initialDelay) {

    /** Argo's default for {@code consecutiveErrorLimit}. */
    public static final int DEFAULT_CONSECUTIVE_ERROR_LIMIT = 4;

    public MetricSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(query, "query");
        providerSettings = Map.copyOf(providerSettings);
    }

    /**
     * How many measurements end the metric: {@code count} when set, 1 when neither count nor
     * interval is set, none (run until the analysis is terminated) when only interval is set.
     * Argo's {@code Metric.EffectiveCount}.
     */
    public Integer effectiveCount() {
        if (count == 0) {
            return interval == null ? 1 : null;
        }
        return count;
    }
}
