package io.bulwark.jobs;

import io.bulwark.jobs.store.JobStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Drives a {@link Worker} on a scheduler the caller owns: polls every {@code pollInterval} and
 * at once when an attempt finishes or a job is enqueued in this process ({@link #wake()});
 * records outcomes as they come (with the next claim, in one transaction); renews leases every third of the lease; enforces timeouts every
 * 100 ms; rescues expired leases every half lease; expires waiting jobs past their expiresAt every second.
 *
 * <p>When the store fails (a database that went away), each periodic step but lease renewal backs
 * off: after the n-th failure in a row it skips its next {@code min(2^n, 64) - 1} ticks, so a poll
 * every 500 ms tries about every 30 s at worst. The loop logs once when the store starts failing and once when
 * it works again, not on every tick; outcomes not yet recorded stay buffered and are written when
 * the store returns.
 *
 * <pre>{@code
 * ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
 * WorkerLoop loop = WorkerLoop.start(worker, scheduler, Duration.ofMillis(500));
 * ...
 * loop.stop();               // no more polling
 * worker.drain(Duration.ofSeconds(30));
 * }</pre>
 */
public final class WorkerLoop {

    private static final Logger LOG = LoggerFactory.getLogger(WorkerLoop.class);

    private final Worker worker;
    private final ScheduledExecutorService scheduler;
    private final List<ScheduledFuture<?>> tasks = new ArrayList<>();
    private final AtomicBoolean wakePending = new AtomicBoolean();
    private final AtomicBoolean stopped = new AtomicBoolean();
    /** Turns of the poll loop running (at most the worker's claims in flight); {@code again}: go round once more. */
    private final AtomicInteger turns = new AtomicInteger();
    private final AtomicBoolean again = new AtomicBoolean();
    /** The poll step's back-off: a wake-up does not poll while polls fail. */
    private volatile Backoff polling = new Backoff();

    private WorkerLoop(Worker worker, ScheduledExecutorService scheduler) {
        this.worker = worker;
        this.scheduler = scheduler;
    }

    /** Starts driving {@code worker}. */
    public static WorkerLoop start(Worker worker, ScheduledExecutorService scheduler, Duration pollInterval) {
        WorkerLoop loop = new WorkerLoop(worker, scheduler);
        worker.onFinished(loop::wake);
        long lease = worker.lease().toMillis();
        loop.polling = loop.every(pollInterval.toMillis(), loop::cycle, "poll");
        loop.every(Math.max(100, lease / 3), worker::renew, "renew leases");
        loop.every(100, worker::enforceTimeouts, "enforce timeouts");
        loop.every(Math.max(100, lease / 2), worker::rescue, "rescue expired leases");
        loop.every(1000, worker::expire, "expire waiting jobs past their expiresAt");
        return loop;
    }

    /**
     * The threads a scheduler needs to run the loop of a worker on {@code store} without delay: one
     * for each claim in flight and one for lease renewals, timeouts and rescues beside them.
     */
    public static int schedulerThreads(JobStore store) {
        return 1 + Worker.claimsInFlightOf(store);
    }

    /** Flushes outcomes and polls soon; many calls in a row coalesce into one run. */
    public void wake() {
        if (!stopped.get() && wakePending.compareAndSet(false, true)) {
            try {
                scheduler.execute(() -> {
                    wakePending.set(false);
                    if (polling.failures() == 0) {
                        guarded(this::cycle, "poll", polling);
                    }
                });
            } catch (RuntimeException e) {
                wakePending.set(false); // scheduler shut down
            }
        }
    }

    /** Stops polling and the periodic work; running attempts go on until the worker drains. */
    public void stop() {
        stopped.set(true);
        tasks.forEach(t -> t.cancel(false));
    }

    /**
     * As many turns of the loop at once as the worker may have claims in flight per queue: one on
     * the embedded store, two on a database. A wake-up while they all run (a handler finished)
     * makes one of them go round again rather than start another beside them: more turns than
     * claims in flight would record outcomes in one transaction and claim the slots they free in
     * another, a commit more per turn and ever smaller batches.
     */
    private void cycle() {
        again.set(true);
        while (again.get() && enterTurn()) {
            try {
                while (again.getAndSet(false) && !stopped.get()) {
                    turn();
                }
            } finally {
                turns.decrementAndGet();
            }
        }
    }

    private boolean enterTurn() {
        int max = worker.claimsInFlight();
        for (int n = turns.get(); n < max; n = turns.get()) {
            if (turns.compareAndSet(n, n + 1)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Polls until no claim comes back; each poll records the outcomes buffered so far in the same
     * transaction as its claim, so a backlog drains without waiting a tick. Outcomes left when no
     * poll took them (every queue paused, full or empty) are flushed, unless a poll is still in the
     * store: it polls again when it returns and takes them with its next claim.
     */
    private void turn() {
        while (!stopped.get() && worker.poll() > 0) {
            // claimed and started some; poll again
        }
        if (!again.get() && !worker.claiming()) {
            worker.flush();
        }
    }

    private Backoff every(long millis, Runnable step, String what) {
        Backoff backoff = new Backoff();
        // Renewals never skip a tick: a missed renewal can cost the lease of a job that still runs,
        // and they come only every third of a lease anyway. They still log once per outage.
        boolean mayBackOff = !what.equals("renew leases");
        tasks.add(scheduler.scheduleWithFixedDelay(() -> {
            if (!mayBackOff || !backoff.skip()) {
                guarded(step, what, backoff);
            }
        }, 0, millis, TimeUnit.MILLISECONDS));
        return backoff;
    }

    /** Runs {@code step}; logs the first failure of a run of them, and the recovery, not every tick. */
    private void guarded(Runnable step, String what, Backoff backoff) {
        if (stopped.get() && !what.equals("renew leases")) {
            return;
        }
        try {
            step.run();
        } catch (RuntimeException e) {
            if (stopped.get()) {
                // Stopping (the scheduler may interrupt a step on its way out): not an outage to report.
                LOG.debug("Worker {} stopped while it tried to {}: {}", worker.node(), what, e.toString());
                return;
            }
            int n = backoff.failed();
            if (n == 1) {
                LOG.warn("Worker {} failed to {}: {}. It backs off (up to 64 ticks between tries) and resumes by itself "
                        + "when the store works again; outcomes not yet recorded are kept", worker.node(), what,
                        e.toString(), e);
            } else {
                LOG.debug("Worker {} failed to {} again ({} failures in a row)", worker.node(), what, n, e);
            }
            return;
        }
        int before = backoff.succeeded();
        if (before > 0) {
            LOG.info("Worker {} can {} again after {} failed tries; back to normal", worker.node(), what, before);
        }
    }

    /**
     * Capped exponential back-off of one periodic step, counted in its ticks: after the n-th failure
     * in a row the step skips its next {@code min(2^n, 64) - 1} ticks. Written by the step's runs,
     * which never overlap (fixed delay), and read by wake-ups.
     */
    static final class Backoff {
        private static final int MAX_SKIP = 63;
        private volatile int failures;
        private int skip;

        boolean skip() {
            if (skip > 0) {
                skip--;
                return true;
            }
            return false;
        }

        int failures() {
            return failures;
        }

        /** Counts a failure and sets the ticks to skip; returns the failures in a row. */
        int failed() {
            int n = failures + 1;
            failures = n;
            skip = Math.min((1 << Math.min(n, 6)) - 1, MAX_SKIP);
            return n;
        }

        /** Ends a run of failures; returns how long it was. */
        int succeeded() {
            int n = failures;
            failures = 0;
            skip = 0;
            return n;
        }
    }
}
