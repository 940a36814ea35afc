package io.bulwark.resilience.retry.internal;

import io.bulwark.resilience.internal.Failures;
import io.bulwark.resilience.retry.RetryConfig;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * One asynchronous call with retries: each attempt's completion decides the next, which is
 * scheduled on the injected scheduler after its delay. Cancelling the returned future stops the
 * loop before the next attempt.
 *
 * @param <T> the result type
 */
public final class AsyncRetryLoop<T> {

    private final RetryPlanner planner;
    private final RetryConfig config;
    private final ScheduledExecutorService scheduler;
    private final Supplier<? extends CompletionStage<T>> supplier;
    private final CompletableFuture<T> promise = new CompletableFuture<>();
    private long deadline;

    public AsyncRetryLoop(RetryPlanner planner, RetryConfig config, ScheduledExecutorService scheduler,
                          Supplier<? extends CompletionStage<T>> supplier) {
        this.planner = planner;
        this.config = config;
        this.scheduler = scheduler;
        this.supplier = supplier;
    }

    /** Starts the first attempt and returns the call's outcome; a non-null {@code callSiteDeadline} replaces maxTotalDuration. */
    public CompletableFuture<T> start(java.time.Instant callSiteDeadline) {
        long startNanos = planner.started(config);
        deadline = callSiteDeadline != null ? planner.deadlineFrom(callSiteDeadline) : planner.deadline(config, startNanos);
        attempt(1);
        return promise;
    }

    private void attempt(int n) {
        if (promise.isDone()) {
            return;
        }
        CompletionStage<T> stage;
        try {
            stage = supplier.get();
        } catch (RuntimeException e) {
            stage = CompletableFuture.failedFuture(e);
        }
        stage.whenComplete((result, error) -> settle(n, result, error == null ? null : Failures.unwrap(error)));
    }

    private void settle(int n, T result, Throwable error) {
        if (error instanceof Error || planner.isFinal(config, error, result)) {
            planner.finished(n, error == null, error);
            complete(result, error);
            return;
        }
        RetryPlanner.Next next = planner.afterFailure(config, n, error, result, deadline);
        if (next.stop()) {
            complete(result, error);
            return;
        }
        try {
            scheduler.schedule(() -> attempt(n + 1), next.delay().toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException rejected) {
            if (error != null) {
                error.addSuppressed(rejected);
            }
            complete(result, error != null ? error : rejected);
        }
    }

    private void complete(T result, Throwable error) {
        if (error != null) {
            promise.completeExceptionally(error);
        } else {
            promise.complete(result);
        }
    }
}
