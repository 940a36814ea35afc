package io.bulwark.providers;

import io.bulwark.core.http.RetryAfter;
import io.bulwark.core.validation.Problems;
import io.bulwark.resilience.ResilienceClock;
import io.bulwark.resilience.retry.RetryBudget;
import io.bulwark.resilience.retry.RetryConfig;

import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A named retry config for provider calls, as written in config or sent to
 * {@code PUT /api/v1/retry-configs}; null means the default. Providers name the one they use.
 *
 * <pre>{@code
 * {"maxAttempts": 3, "baseDelay": "100ms", "factor": 2, "maxDelay": "5s", "maxDuration": "20s",
 *  "retryOnStatuses": [408, 429, 500, 502, 503, 504], "maxRetryAfter": "30s",
 *  "budgetPercent": 20, "budgetMinPerSecond": 1, "budgetWindow": "10s"}
 * }</pre>
 *
 * @param maxAttempts attempts in all, the first included (default 3)
 * @param baseDelay the first backoff bound (default 100ms)
 * @param factor the backoff growth (default 2)
 * @param maxDelay the backoff cap (default 5s)
 * @param maxDuration no attempt starts later than this after the first (default 0: no limit)
 * @param retryOnStatuses statuses retried (default 408, 429, 500, 502, 503, 504); connection
 *                        errors and timeouts are always retried
 * @param maxRetryAfter the longest {@code Retry-After} honoured (default 30s)
 * @param budgetPercent retries may be at most this percentage of a provider's recent calls (default 20)
 * @param budgetMinPerSecond ... or this many per second, whichever is more (default 1)
 * @param budgetWindow what "recent" means (default 10s, whole seconds)
 */
public record RetrySpec(Integer maxAttempts, String baseDelay, Double factor, String maxDelay, String maxDuration,
                        List<Integer> retryOnStatuses, String maxRetryAfter, Double budgetPercent,
                        Integer budgetMinPerSecond, String budgetWindow) {

    /** The statuses retried unless a spec says otherwise. */
    public static final List<Integer> RETRIED_STATUSES = List.of(408, 429, 500, 502, 503, 504);

    /** Every setting at its default. */
    public static RetrySpec defaults() {
        return new RetrySpec(null, null, null, null, null, null, null, null, null, null);
    }

    /** The retry config and budget settings, with every bad field recorded in {@code problems} under {@code path}. */
    public RetrySettings resolve(Problems problems, String path, InstantSource clock) {
        RetryConfig.Builder b = RetryConfig.builder();
        if (maxAttempts != null) {
            Integer n = ProviderSpec.ranged(problems, path + ".maxAttempts", SpecRanges.RETRY_MAX_ATTEMPTS, maxAttempts, null);
            if (n != null) {
                problems.attempt(path + ".maxAttempts", () -> b.maxAttempts(n), null);
            }
        }
        Duration base = ProviderSpec.ranged(problems, path + ".baseDelay", SpecRanges.RETRY_BASE_DELAY, baseDelay, Duration.ofMillis(100));
        Duration cap = ProviderSpec.ranged(problems, path + ".maxDelay", SpecRanges.RETRY_MAX_DELAY, maxDelay, Duration.ofSeconds(5));
        double f = ProviderSpec.ranged(problems, path + ".factor", SpecRanges.RETRY_FACTOR, factor, 2.0);
        problems.attempt(path + ".factor", () -> b.backoff(base, f, cap), null);
        Duration total = ProviderSpec.ranged(problems, path + ".maxDuration", SpecRanges.RETRY_MAX_DURATION, maxDuration, Duration.ZERO);
        problems.attempt(path + ".maxDuration", () -> b.maxTotalDuration(total), null);
        List<Integer> listed = retryOnStatuses == null ? RETRIED_STATUSES : retryOnStatuses;
        for (int i = 0; i < listed.size(); i++) {
            Integer s = listed.get(i);
            if (s == null || s < 400 || s > 599) {
                problems.add(path + ".retryOnStatuses[" + i + "]", "statuses must be in 400..599 but one was " + s);
            }
        }
        Set<Integer> statuses = listed.stream().filter(java.util.Objects::nonNull).collect(java.util.stream.Collectors.toUnmodifiableSet());
        b.retryOnResult(result -> result instanceof ProviderResponse r && statuses.contains(r.status()));
        b.retryAfter(result -> result instanceof ProviderResponse r
                ? RetryAfter.parse(r.header("Retry-After"), clock)
                : Optional.empty());
        Duration maxAfter = ProviderSpec.ranged(problems, path + ".maxRetryAfter", SpecRanges.RETRY_MAX_RETRY_AFTER,
                maxRetryAfter, Duration.ofSeconds(30));
        problems.attempt(path + ".maxRetryAfter", () -> b.maxRetryAfter(maxAfter), null);
        double percent = ProviderSpec.ranged(problems, path + ".budgetPercent", SpecRanges.RETRY_BUDGET_PERCENT, budgetPercent, 20.0);
        int floor = ProviderSpec.ranged(problems, path + ".budgetMinPerSecond", SpecRanges.RETRY_BUDGET_FLOOR,
                budgetMinPerSecond, 1);
        Duration window = ProviderSpec.ranged(problems, path + ".budgetWindow", SpecRanges.RETRY_BUDGET_WINDOW, budgetWindow,
                Duration.ofSeconds(10));
        if (window.toNanosPart() != 0) {
            problems.add(path + ".budgetWindow", "must be whole seconds in 1s..1h but was " + budgetWindow);
        }
        RetryConfig config = problems.attempt(path, b::build, RetryConfig.ofDefaults());
        return new RetrySettings(config, percent, floor, window, this);
    }

    /**
     * A retry config resolved from a spec, and the settings of the per-provider budget.
     *
     * @param spec the document it came from, as it is shown and stored
     */
    public record RetrySettings(RetryConfig config, double budgetPercent, int budgetMinPerSecond,
                                Duration budgetWindow, RetrySpec spec) {

        /** A new budget for provider {@code name}. */
        public RetryBudget newBudget(String name, ResilienceClock clock) {
            return RetryBudget.of(name, budgetPercent, budgetMinPerSecond, budgetWindow, clock);
        }
    }
}
