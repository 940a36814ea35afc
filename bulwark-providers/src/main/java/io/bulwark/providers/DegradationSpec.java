package io.bulwark.providers;

import io.bulwark.core.validation.Problems;
import io.bulwark.providers.degradation.DegradationAction;
import io.bulwark.providers.degradation.DegradationConfig;
import io.bulwark.providers.degradation.DegradationTrigger;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * A group's degradation strategy as written in config or sent over the API; null means the
 * default of {@link DegradationConfig}.
 *
 * @param triggers trigger names: breaker-open, error-rate, latency, all-unavailable, manual
 * @param errorRatePercent the error-rate trigger's threshold, a percentage (default 50)
 * @param latencyThreshold the latency trigger's p95 threshold (default 5s)
 * @param window what error rate and latency are measured over (default 1m)
 * @param minimumCalls fewer calls in the window never trigger (default 10)
 * @param actions action names, in order: fallback, cache, reduced-mode, default, error
 * @param maxStaleness the oldest cached answer served (default 5m)
 * @param defaultStatus the default answer's status (default 200)
 * @param defaultBody the default answer's body (required by the default action)
 */
public record DegradationSpec(List<String> triggers, Double errorRatePercent, String latencyThreshold,
                              String window, Integer minimumCalls, List<String> actions, String maxStaleness,
                              Integer defaultStatus, String defaultBody) {

    /** Every setting at its default. */
    public static DegradationSpec defaults() {
        return new DegradationSpec(null, null, null, null, null, null, null, null, null);
    }

    /** The degradation config, with every bad field recorded in {@code problems} under {@code path}. */
    public DegradationConfig toConfig(Problems problems, String path) {
        DegradationConfig.Builder b = DegradationConfig.builder();
        if (triggers != null) {
            Set<DegradationTrigger> parsed = EnumSet.noneOf(DegradationTrigger.class);
            for (int i = 0; i < triggers.size(); i++) {
                String name = triggers.get(i);
                DegradationTrigger t = problems.attempt(path + ".triggers[" + i + "]",
                        () -> DegradationTrigger.parse(name == null ? "" : name), null);
                if (t != null) {
                    parsed.add(t);
                }
            }
            b.triggers(parsed);
        }
        if (errorRatePercent != null) {
            problems.attempt(path + ".errorRatePercent", () -> b.errorRateThreshold(SpecRanges.GROUP_ERROR_RATE.convert(errorRatePercent) / 100), null);
        }
        if (latencyThreshold != null) {
            problems.attempt(path + ".latencyThreshold", () -> b.latencyThreshold(SpecRanges.GROUP_LATENCY.convert(latencyThreshold)), null);
        }
        if (window != null) {
            problems.attempt(path + ".window", () -> b.window(SpecRanges.GROUP_WINDOW.convert(window)), null);
        }
        if (minimumCalls != null) {
            problems.attempt(path + ".minimumCalls", () -> b.minimumCalls(SpecRanges.GROUP_MINIMUM_CALLS.convert(minimumCalls)), null);
        }
        if (actions != null) {
            List<DegradationAction> parsed = new ArrayList<>();
            for (int i = 0; i < actions.size(); i++) {
                String name = actions.get(i);
                DegradationAction a = problems.attempt(path + ".actions[" + i + "]",
                        () -> DegradationAction.parse(name == null ? "" : name), null);
                if (a != null) {
                    parsed.add(a);
                }
            }
            problems.attempt(path + ".actions", () -> b.actions(parsed), null);
        }
        if (maxStaleness != null) {
            problems.attempt(path + ".maxStaleness", () -> b.maxStaleness(SpecRanges.GROUP_MAX_STALENESS.convert(maxStaleness)), null);
        }
        if (defaultStatus != null) {
            problems.attempt(path + ".defaultStatus", () -> b.defaultStatus(SpecRanges.GROUP_DEFAULT_STATUS.convert(defaultStatus)), null);
        }
        if (defaultBody != null) {
            b.defaultBody(defaultBody);
        }
        DegradationConfig config = b.build();
        if (config.actions().contains(DegradationAction.DEFAULT) && defaultBody == null) {
            problems.add(path + ".defaultBody", "the default action needs a defaultBody (may be empty text)");
        }
        return config;
    }
}
