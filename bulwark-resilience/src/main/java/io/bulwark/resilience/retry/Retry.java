package io.bulwark.resilience.retry;

import io.bulwark.resilience.ResilienceClock;
import io.bulwark.resilience.event.ResilienceEvent;
import io.bulwark.resilience.internal.Checks;
import io.bulwark.resilience.internal.Failures;
import io.bulwark.resilience.internal.Listeners;
import io.bulwark.resilience.retry.internal.AsyncRetryLoop;
import io.bulwark.resilience.retry.internal.RetryPlanner;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * Tries a call again after a failure: up to {@code maxAttempts}, with capped full-jitter backoff
 * or the delay the failure names (Retry-After, capped), never starting an attempt that cannot
 * start before the deadline, and never beyond its {@link RetryBudget}.
 *
 * <pre>{@code
 * Retry retry = Retry.builder("openai", RetryConfig.ofDefaults())
 *         .clock(ResilienceClock.system())
 *         .budget(RetryBudget.of("openai", 20, 1, Duration.ofSeconds(10), clock))
 *         .scheduler(scheduler)                       // for executeCompletionStage
 *         .build();
 * Answer a = retry.executeCallable(() -> client.ask(q), Instant.now().plusSeconds(20));
 * }</pre>
 *
 * <p>When the attempts, the deadline or the budget run out, the caller gets the last failure
 * itself: the last exception is rethrown, the last retryable result returned. Waiting between
 * synchronous attempts goes through the injected {@link Sleeper}; asynchronous attempts are
 * scheduled on the injected {@link ScheduledExecutorService}. Errors ({@link Error}) and
 * interruptions are never retried.
 */
public final class Retry {

    /** How a call through a retry ended, for metrics. */
    public enum Outcome {
        /** The first attempt succeeded. */
        SUCCESS_WITHOUT_RETRY,
        /** An attempt after the first succeeded. */
        SUCCESS_WITH_RETRY,
        /** The first attempt failed and was not retried (not retryable, budget, deadline, one attempt). */
        FAILED_WITHOUT_RETRY,
        /** Retried, and the last attempt failed too. */
        FAILED_WITH_RETRY;

        /** The lower-case label used in metrics. */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final String name;
    private final ResilienceClock clock;
    private final Sleeper sleeper;
    private final ScheduledExecutorService scheduler;
    private final RetryBudget budget;
    private final Listeners listeners = new Listeners();
    private final RetryPlanner planner;
    private volatile RetryConfig config;

    private Retry(Builder b) {
        this.name = b.name;
        this.config = b.config;
        this.clock = b.clock;
        this.sleeper = b.sleeper;
        this.scheduler = b.scheduler;
        this.budget = b.budget;
        this.planner = new RetryPlanner(name, clock, b.random, budget, listeners);
    }

    /** A retry on {@code clock} that sleeps with {@link Sleeper#threadSleep()} and has no budget. */
    public static Retry of(String name, RetryConfig config, ResilienceClock clock) {
        return builder(name, config).clock(clock).build();
    }

    /** A builder, to inject a sleeper, a random source, a budget or a scheduler. */
    public static Builder builder(String name, RetryConfig config) {
        return new Builder(name, config);
    }

    /** The retry's name. */
    public String name() {
        return name;
    }

    /** The config in force. */
    public RetryConfig config() {
        return config;
    }

    /** The budget, or null. */
    public RetryBudget budget() {
        return budget;
    }

    /** Puts a new config in force for calls that start from now on. */
    public void reconfigure(RetryConfig next) {
        this.config = Objects.requireNonNull(next, "config");
    }

    /** Adds a listener for this retry's events; a listener that throws never breaks a call. */
    public void addListener(Consumer<ResilienceEvent> listener) {
        listeners.add(listener);
    }

    /** Calls that ended with {@code outcome} since creation. */
    public long calls(Outcome outcome) {
        return planner.count(outcome);
    }

    /** Retries the budget refused since creation. */
    public long budgetExhaustedCount() {
        return planner.budgetExhausted();
    }

    /** Runs {@code callable} with retries under the config's maxTotalDuration. */
    public <T> T executeCallable(Callable<T> callable) throws Exception {
        return run(callable, null);
    }

    /** Runs {@code callable} with retries; no attempt starts that could not start before {@code deadline} (replaces maxTotalDuration). */
    public <T> T executeCallable(Callable<T> callable, Instant deadline) throws Exception {
        return run(callable, Objects.requireNonNull(deadline, "deadline"));
    }

    /**
     * Runs {@code callable} with retries, but with at most {@code maxAttempts} attempts in all:
     * a caller can ask for fewer attempts than the config allows, never more (a larger value is
     * clamped to the config's {@code maxAttempts}). Everything else, the budget included, applies
     * as configured.
     *
     * @throws IllegalArgumentException when {@code maxAttempts} is below 1
     */
    public <T> T executeCallable(Callable<T> callable, int maxAttempts) throws Exception {
        Checks.atLeast("maxAttempts", maxAttempts, 1);
        RetryConfig c = config;
        return run(maxAttempts < c.maxAttempts() ? c.toBuilder().maxAttempts(maxAttempts).build() : c, callable, null);
    }

    /** Runs {@code supplier} with retries. */
    public <T> T executeSupplier(Supplier<T> supplier) {
        try {
            return run(supplier::get, null);
        } catch (Exception e) {
            throw Failures.sneakyThrow(e);
        }
    }

    /** {@code supplier} wrapped in this retry. */
    public <T> Supplier<T> decorateSupplier(Supplier<T> supplier) {
        return () -> executeSupplier(supplier);
    }

    /** {@code callable} wrapped in this retry. */
    public <T> Callable<T> decorateCallable(Callable<T> callable) {
        return () -> run(callable, null);
    }

    /**
     * Runs an asynchronous call with retries, scheduling each further attempt on the injected
     * scheduler. Cancelling the returned stage stops further attempts.
     */
    public <T> CompletionStage<T> executeCompletionStage(Supplier<? extends CompletionStage<T>> supplier) {
        return runAsync(supplier, null);
    }

    /**
     * Runs an asynchronous call with retries; no attempt starts that could not start before
     * {@code deadline} (which replaces maxTotalDuration).
     */
    public <T> CompletionStage<T> executeCompletionStage(Supplier<? extends CompletionStage<T>> supplier,
                                                         Instant deadline) {
        return runAsync(supplier, Objects.requireNonNull(deadline, "deadline"));
    }

    private <T> CompletionStage<T> runAsync(Supplier<? extends CompletionStage<T>> supplier, Instant deadline) {
        if (scheduler == null) {
            throw new IllegalStateException("retry '" + name + "' has no scheduler; build it with"
                    + " Retry.builder(...).scheduler(executor) to retry asynchronous calls");
        }
        return new AsyncRetryLoop<T>(planner, config, scheduler, supplier).start(deadline);
    }

    /** {@code supplier} of an asynchronous call wrapped in this retry. */
    public <T> Supplier<CompletionStage<T>> decorateCompletionStage(Supplier<? extends CompletionStage<T>> supplier) {
        return () -> executeCompletionStage(supplier);
    }

    /**
     * The first attempt, kept small so that the JIT inlines it into the caller: a call that
     * succeeds at once costs a predicate and a counter.
     */
    private <T> T run(Callable<T> callable, Instant callSiteDeadline) throws Exception {
        return run(config, callable, callSiteDeadline);
    }

    private <T> T run(RetryConfig c, Callable<T> callable, Instant callSiteDeadline) throws Exception {
        long start = planner.started(c);
        T result;
        try {
            result = callable.call();
        } catch (Exception e) {
            return retryLoop(c, callable, callSiteDeadline, start, e, null);
        }
        if (!c.retryOnResult().test(result)) {
            planner.finished(1, true, null);
            return result;
        }
        return retryLoop(c, callable, callSiteDeadline, start, null, result);
    }

    /** The attempts after a failed first one. */
    private <T> T retryLoop(RetryConfig c, Callable<T> callable, Instant callSiteDeadline, long start,
                            Exception firstError, T firstResult) throws Exception {
        long deadline = callSiteDeadline != null ? planner.deadlineFrom(callSiteDeadline) : planner.deadline(c, start);
        T result = firstResult;
        Exception error = firstError;
        for (int attempt = 1; ; attempt++) {
            if (attempt > 1) {
                result = null;
                error = null;
                try {
                    result = callable.call();
                } catch (Exception e) {
                    error = e;
                }
            }
            if (planner.isFinal(c, error, result)) {
                planner.finished(attempt, error == null, error);
                if (error != null) {
                    throw error;
                }
                return result;
            }
            RetryPlanner.Next next = planner.afterFailure(c, attempt, error, result, deadline);
            if (next.stop()) {
                if (error != null) {
                    throw error;
                }
                return result;
            }
            try {
                sleeper.sleep(next.delay());
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                if (error != null) {
                    error.addSuppressed(interrupted);
                    throw error;
                }
                return result;
            }
        }
    }

    /** Builds a {@link Retry}. */
    public static final class Builder {
        private final String name;
        private final RetryConfig config;
        private ResilienceClock clock;
        private Sleeper sleeper = Sleeper.threadSleep();
        private RandomGenerator random = ThreadLocalRandom.current();
        private RetryBudget budget;
        private ScheduledExecutorService scheduler;

        private Builder(String name, RetryConfig config) {
            this.name = Checks.name(name);
            this.config = Objects.requireNonNull(config, "config");
        }

        /** The clocks (required). */
        public Builder clock(ResilienceClock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** How synchronous attempts wait (default {@link Sleeper#threadSleep()}). */
        public Builder sleeper(Sleeper sleeper) {
            this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
            return this;
        }

        /** The jitter source (default {@link ThreadLocalRandom}); must be thread-safe if the retry is shared. */
        public Builder random(RandomGenerator random) {
            this.random = Objects.requireNonNull(random, "random");
            return this;
        }

        /** The budget retries are taken from (default none). */
        public Builder budget(RetryBudget budget) {
            this.budget = Objects.requireNonNull(budget, "budget");
            return this;
        }

        /** Where asynchronous attempts are scheduled. */
        public Builder scheduler(ScheduledExecutorService scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
            return this;
        }

        /** The retry. */
        public Retry build() {
            if (clock == null) {
                throw new IllegalStateException("clock must be set for retry '" + name
                        + "'; pass ResilienceClock.system() in production");
            }
            return new Retry(this);
        }
    }
}
