package io.bulwark.kubernetes.jobs;

import io.bulwark.jobs.Job;
import io.bulwark.jobs.JobContext;
import io.bulwark.jobs.JobHandler;
import io.bulwark.jobs.JobState;
import io.bulwark.resilience.retry.Backoff;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** One handler call on a thread of its own, so a test can watch it, stop it and read its outcome. */
final class HandlerRun<P, R> {

    private final FutureTask<R> task;
    private final Thread thread;

    private HandlerRun(JobHandler<P, R> handler, JobContext<P> ctx) {
        this.task = new FutureTask<>(() -> handler.handle(ctx));
        this.thread = Thread.ofPlatform().name("handler-" + ctx.id()).daemon().start(task);
    }

    static <P, R> HandlerRun<P, R> start(JobHandler<P, R> handler, JobContext<P> ctx) {
        return new HandlerRun<>(handler, ctx);
    }

    /** A running job's context: attempt {@code attempt}, a 10-minute timeout, stopped when {@code stop} says so. */
    static <P> JobContext<P> context(UUID id, int attempt, P payload, BooleanSupplier stop) {
        return context(id, attempt, Duration.ofMinutes(10), payload, stop);
    }

    static <P> JobContext<P> context(UUID id, int attempt, Duration timeout, P payload, BooleanSupplier stop) {
        Job job = new Job(id, "default", KubernetesJobs.TYPE, "{}", 5, JobState.RUNNING, Instant.EPOCH, attempt, 3,
                Backoff.DEFAULT, timeout, null, null, null, null, List.of(), Instant.EPOCH, Instant.EPOCH, null, null);
        return new JobContext<>(job, payload, stop);
    }

    boolean isDone() {
        return task.isDone();
    }

    void interrupt() {
        thread.interrupt();
    }

    /** The handler's return value (waiting at most 10 s); its exception is thrown as is. */
    R result() throws Exception {
        try {
            return task.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw (Exception) e.getCause();
        }
    }

    /** What the handler threw (waiting at most 10 s); fails when it returned. */
    Throwable failure() throws Exception {
        try {
            R r = task.get(10, TimeUnit.SECONDS);
            throw new AssertionError("expected the handler to fail but it returned " + r);
        } catch (ExecutionException e) {
            return e.getCause();
        }
    }
}
