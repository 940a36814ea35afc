package io.bulwark.providers.queue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** A clock and timer the test moves by hand: tasks run when the clock passes their time. */
final class ManualTimer implements QueueTimer {

    private record Task(long at, Runnable run, boolean[] cancelled) {
    }

    final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final List<Task> tasks = new ArrayList<>();

    @Override
    public synchronized Runnable schedule(Runnable task, long delayNanos) {
        boolean[] cancelled = {false};
        tasks.add(new Task(now.get() + delayNanos, task, cancelled));
        return () -> cancelled[0] = true;
    }

    long nanos() {
        return now.get();
    }

    /** Moves the clock by {@code millis} and runs every task now due. */
    void advanceMillis(long millis) {
        now.addAndGet(millis * 1_000_000L);
        List<Task> due = new ArrayList<>();
        synchronized (this) {
            tasks.removeIf(t -> {
                if (t.at <= now.get()) {
                    due.add(t);
                    return true;
                }
                return false;
            });
        }
        due.stream().filter(t -> !t.cancelled[0]).forEach(t -> t.run.run());
    }

    synchronized int pending() {
        return (int) tasks.stream().filter(t -> !t.cancelled[0]).count();
    }
}
