package io.bulwark.cache;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;

/** An executor that only queues: a test runs the queued tasks when it chooses, on its own thread. */
final class ManualExecutor implements Executor {

    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();

    @Override
    public void execute(Runnable task) {
        tasks.add(task);
    }

    /** Runs every queued task, and those they queue; returns how many ran. */
    int runAll() {
        int ran = 0;
        for (Runnable r = tasks.poll(); r != null; r = tasks.poll()) {
            r.run();
            ran++;
        }
        return ran;
    }
}
