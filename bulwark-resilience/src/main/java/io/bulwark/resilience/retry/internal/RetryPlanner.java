package io.bulwark.resilience.retry.internal;

import io.bulwark.resilience.ResilienceClock;
import io.bulwark.resilience.event.RetryAttempted;
import io.bulwark.resilience.event.RetryBudgetExhausted;
import io.bulwark.resilience.event.RetryExhausted;
import io.bulwark.resilience.event.RetrySucceeded;
import io.bulwark.resilience.internal.Listeners;
import io.bulwark.resilience.retry.Retry.Outcome;
import io.bulwark.resilience.retry.RetryBudget;
import io.bulwark.resilience.retry.RetryConfig;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import java.util.random.RandomGenerator;

/**
 * The decisions shared by the synchronous and the asynchronous retry loops: whether a failed
 * attempt is followed by another, after what delay, and the events and counters of each end.
 */
public final class RetryPlanner {

    /** No deadline. */
    public static final long NO_DEADLINE = Long.MAX_VALUE;

    private final String name;
    private final ResilienceClock clock;
    private final RandomGenerator random;
    private final RetryBudget budget;
    private final Listeners listeners;
    private final LongAdder[] outcomes = new LongAdder[Outcome.values().length];
    private final LongAdder budgetExhausted = new LongAdder();

    public RetryPlanner(String name, ResilienceClock clock, RandomGenerator random, RetryBudget budget,
                        Listeners listeners) {
        this.name = name;
        this.clock = clock;
        this.random = random;
        this.budget = budget;
        this.listeners = listeners;
        for (int i = 0; i < outcomes.length; i++) {
            outcomes[i] = new LongAdder();
        }
    }

    /** The next attempt's delay, or why there is none. */
    public record Next(Duration delay, String stopReason) {
        public boolean stop() {
            return stopReason != null;
        }
    }

    /** Called once per call before its first attempt; returns the ticker time when the config has a deadline to keep. */
    public long started(RetryConfig config) {
        if (budget != null) {
            budget.recordCall();
        }
        return config.maxTotalDuration().isZero() ? 0L : clock.nanos();
    }

    /** The ticker deadline of a call that started at {@code startNanos}, or {@link #NO_DEADLINE}. */
    public long deadline(RetryConfig config, long startNanos) {
        Duration total = config.maxTotalDuration();
        return total.isZero() ? NO_DEADLINE : startNanos + total.toNanos();
    }

    /** A ticker deadline from a call-site wall-clock deadline. */
    public long deadlineFrom(java.time.Instant deadline) {
        return clock.nanos() + Duration.between(clock.now(), deadline).toNanos();
    }

    /** True when the outcome of an attempt is final: a success, or a failure not to retry. */
    public boolean isFinal(RetryConfig config, Throwable error, Object result) {
        return error == null ? !config.retryOnResult().test(result) : !config.retries(error);
    }

    /** Decides what follows failed attempt {@code attempt} (1-based); publishes the matching event. */
    public Next afterFailure(RetryConfig config, int attempt, Throwable error, Object result, long deadlineNanos) {
        if (attempt >= config.maxAttempts()) {
            return stop(attempt, "maxAttempts " + config.maxAttempts() + " reached", error);
        }
        Duration delay = delay(config, attempt, error != null ? error : result);
        if (deadlineNanos != NO_DEADLINE && clock.nanos() + delay.toNanos() >= deadlineNanos) {
            return stop(attempt, "attempt " + (attempt + 1) + " could not start before the deadline (in "
                    + Duration.ofNanos(Math.max(0, deadlineNanos - clock.nanos())) + ", next delay " + delay + ")",
                    error);
        }
        if (budget != null && !budget.tryAcquireRetry()) {
            budgetExhausted.increment();
            outcomes[(attempt > 1 ? Outcome.FAILED_WITH_RETRY : Outcome.FAILED_WITHOUT_RETRY).ordinal()].increment();
            listeners.publish(() -> new RetryBudgetExhausted(name, clock.now(), attempt, budget.retriesInWindow(),
                    budget.allowedInWindow()));
            return new Next(null, "retry budget '" + budget.name() + "' exhausted");
        }
        listeners.publish(() -> new RetryAttempted(name, clock.now(), attempt, delay, error, error == null ? result : null));
        return new Next(delay, null);
    }

    /** The delay before the attempt after {@code attempt}: the failure's own (capped) or full-jitter backoff. */
    public Duration delay(RetryConfig config, int attempt, Object failure) {
        Optional<Duration> named = failure == null ? Optional.empty() : config.retryAfter().apply(failure);
        if (named.isPresent() && !named.get().isNegative()) {
            Duration d = named.get();
            return d.compareTo(config.maxRetryAfter()) > 0 ? config.maxRetryAfter() : d;
        }
        return config.backoff().delay(attempt, random);
    }

    /** Counts a call whose last attempt (number {@code attempts}) was final. */
    public void finished(int attempts, boolean succeeded, Throwable error) {
        Outcome outcome = succeeded
                ? (attempts > 1 ? Outcome.SUCCESS_WITH_RETRY : Outcome.SUCCESS_WITHOUT_RETRY)
                : (attempts > 1 ? Outcome.FAILED_WITH_RETRY : Outcome.FAILED_WITHOUT_RETRY);
        outcomes[outcome.ordinal()].increment();
        if (succeeded && attempts > 1) {
            listeners.publish(() -> new RetrySucceeded(name, clock.now(), attempts));
        } else if (!succeeded && attempts > 1) {
            listeners.publish(() -> new RetryExhausted(name, clock.now(), attempts, "the failure is not retryable",
                    error));
        }
    }

    private Next stop(int attempt, String reason, Throwable error) {
        outcomes[(attempt > 1 ? Outcome.FAILED_WITH_RETRY : Outcome.FAILED_WITHOUT_RETRY).ordinal()].increment();
        listeners.publish(() -> new RetryExhausted(name, clock.now(), attempt, reason, error));
        return new Next(null, reason);
    }

    /** Calls that ended with {@code outcome}. */
    public long count(Outcome outcome) {
        return outcomes[outcome.ordinal()].sum();
    }

    /** Retries refused by the budget. */
    public long budgetExhausted() {
        return budgetExhausted.sum();
    }
}
