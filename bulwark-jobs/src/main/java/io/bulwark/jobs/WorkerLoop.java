package io.bulwark.jobs;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Drives a {@link Worker} on a scheduler the caller owns: polls every {@code pollInterval} and
 * at once when an attempt finishes or a job is enqueued in this process ({@link #wake()});
 * flushes outcomes as they come; renews leases every third of the lease; enforces timeouts every
 * 100 ms; rescues expired leases every half lease.
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

    private WorkerLoop(Worker worker, ScheduledExecutorService scheduler) {
        this.worker = worker;
        this.scheduler = scheduler;
    }

    /** Starts driving {@code worker}. */
    public static WorkerLoop start(Worker worker, ScheduledExecutorService scheduler, Duration pollInterval) {
        WorkerLoop loop = new WorkerLoop(worker, scheduler);
        worker.onFinished(loop::wake);
        long lease = worker.lease().toMillis();
        loop.every(pollInterval.toMillis(), loop::cycle, "poll");
        loop.every(Math.max(100, lease / 3), worker::renew, "renew leases");
        loop.every(100, worker::enforceTimeouts, "enforce timeouts");
        loop.every(Math.max(100, lease / 2), worker::rescue, "rescue expired leases");
        return loop;
    }

    /** Flushes outcomes and polls soon; many calls in a row coalesce into one run. */
    public void wake() {
        if (!stopped.get() && wakePending.compareAndSet(false, true)) {
            try {
                scheduler.execute(() -> {
                    wakePending.set(false);
                    guarded(this::cycle, "poll");
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

    private void cycle() {
        worker.flush();
        // Keep claiming while claims come back full: a backlog drains without waiting a tick.
        while (!stopped.get() && worker.poll() > 0) {
            worker.flush();
        }
    }

    private void every(long millis, Runnable step, String what) {
        tasks.add(scheduler.scheduleWithFixedDelay(() -> guarded(step, what), 0, millis, TimeUnit.MILLISECONDS));
    }

    private void guarded(Runnable step, String what) {
        if (stopped.get() && !what.equals("renew leases")) {
            return;
        }
        try {
            step.run();
        } catch (RuntimeException e) {
            LOG.warn("Worker {} failed to {}; it tries again on the next tick", worker.node(), what, e);
        }
    }
}
