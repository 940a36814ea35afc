package io.bulwark.providers.queue;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs a task after a delay, for a queue's wake-ups and time-outs; tests drive one by hand.
 */
@FunctionalInterface
public interface QueueTimer {

    /** Schedules {@code task} in {@code delayNanos}; the answer cancels it. */
    Runnable schedule(Runnable task, long delayNanos);

    /** A timer on {@code scheduler}. */
    static QueueTimer of(ScheduledExecutorService scheduler) {
        return (task, delay) -> {
            var f = scheduler.schedule(task, Math.max(0, delay), TimeUnit.NANOSECONDS);
            return () -> f.cancel(false);
        };
    }
}
