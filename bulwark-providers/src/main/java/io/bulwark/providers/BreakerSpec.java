package io.bulwark.providers;

import io.bulwark.core.validation.Problems;
import io.bulwark.resilience.breaker.CircuitBreakerConfig.WindowType;
import io.bulwark.resilience.breaker.CircuitBreakerConfig;

import java.util.Locale;

/**
 * A provider's circuit-breaker settings as written in config or sent over the API; null means
 * the default of {@link CircuitBreakerConfig}. Durations are text ({@code 30s}, {@code PT30S}).
 * An HTTP status of 5xx, 408 or 429 counts as a failure; other 4xx do not.
 *
 * @param shared true to share this breaker's opening with the other nodes of the cluster
 */
public record BreakerSpec(String windowType, Integer windowSize, Integer minimumCalls, Float failureRateThreshold,
                          Float slowCallRateThreshold, String slowCallDuration, Integer consecutiveFailures,
                          String waitInOpen, Double waitMultiplier, String maxWait, Integer halfOpenProbes,
                          Integer successesToClose, String probeTimeout, Boolean shared) {

    /** Every setting at its default. */
    public static BreakerSpec defaults() {
        return new BreakerSpec(null, null, null, null, null, null, null, null, null, null, null, null, null, null);
    }

    /** True when this breaker's openings are shared across the cluster. */
    public boolean isShared() {
        return Boolean.TRUE.equals(shared);
    }

    /** The breaker config, with every bad field recorded in {@code problems} under {@code path}. */
    public CircuitBreakerConfig toConfig(Problems problems, String path) {
        CircuitBreakerConfig.Builder b = CircuitBreakerConfig.builder()
                .recordResult(result -> result instanceof ProviderResponse r && isFailure(r.status()));
        if (windowType != null || windowSize != null) {
            WindowType type = problems.attempt(path + ".windowType", () -> windowType(windowType), WindowType.COUNT_BASED);
            Integer size = windowSize != null
                    ? problems.attempt(path + ".windowSize", () -> SpecRanges.BREAKER_WINDOW_SIZE.convert(windowSize), null)
                    : Integer.valueOf(type == WindowType.COUNT_BASED ? 100 : 60);
            if (size != null) {
                problems.attempt(path + ".windowSize", () -> b.slidingWindow(type, size), null);
            }
        }
        if (minimumCalls != null) {
            problems.attempt(path + ".minimumCalls", () -> b.minimumNumberOfCalls(SpecRanges.BREAKER_MINIMUM_CALLS.convert(minimumCalls)), null);
        }
        if (failureRateThreshold != null) {
            problems.attempt(path + ".failureRateThreshold", () -> b.failureRateThreshold(SpecRanges.BREAKER_FAILURE_RATE.convert(failureRateThreshold).floatValue()), null);
        }
        if (slowCallRateThreshold != null) {
            problems.attempt(path + ".slowCallRateThreshold", () -> b.slowCallRateThreshold(SpecRanges.BREAKER_SLOW_RATE.convert(slowCallRateThreshold).floatValue()), null);
        }
        if (slowCallDuration != null) {
            problems.attempt(path + ".slowCallDuration", () -> b.slowCallDuration(SpecRanges.BREAKER_SLOW_CALL.convert(slowCallDuration)), null);
        }
        if (consecutiveFailures != null) {
            problems.attempt(path + ".consecutiveFailures", () -> b.consecutiveFailureThreshold(SpecRanges.BREAKER_CONSECUTIVE.convert(consecutiveFailures)), null);
        }
        if (waitInOpen != null) {
            problems.attempt(path + ".waitInOpen", () -> b.waitDurationInOpen(SpecRanges.BREAKER_WAIT.convert(waitInOpen)), null);
        }
        if (waitMultiplier != null) {
            problems.attempt(path + ".waitMultiplier", () -> b.waitDurationMultiplier(waitMultiplier), null);
        }
        if (maxWait != null) {
            problems.attempt(path + ".maxWait", () -> b.maxWaitDuration(SpecRanges.BREAKER_MAX_WAIT.convert(maxWait)), null);
        }
        if (halfOpenProbes != null) {
            problems.attempt(path + ".halfOpenProbes", () -> b.permittedCallsInHalfOpen(SpecRanges.BREAKER_PROBES.convert(halfOpenProbes)), null);
        }
        if (successesToClose != null) {
            problems.attempt(path + ".successesToClose", () -> b.successesToClose(SpecRanges.BREAKER_SUCCESSES.convert(successesToClose)), null);
        }
        if (probeTimeout != null) {
            problems.attempt(path + ".probeTimeout", () -> b.probeTimeout(SpecRanges.BREAKER_PROBE_TIMEOUT.convert(probeTimeout)), null);
        }
        return problems.attempt(path, b::build, CircuitBreakerConfig.ofDefaults());
    }

    /** 5xx, 408 and 429 are the provider's failures; any other status is an answer. */
    static boolean isFailure(int status) {
        return status >= 500 || status == 408 || status == 429;
    }

    private static WindowType windowType(String name) {
        return switch (name == null ? "count" : name.toLowerCase(Locale.ROOT)) {
            case "count", "count-based" -> WindowType.COUNT_BASED;
            case "time", "time-based" -> WindowType.TIME_BASED;
            default -> throw new IllegalArgumentException("windowType must be count or time but was '" + name + "'");
        };
    }
}
