package io.bulwark.server.internal.http;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Counts requests being served, so that shutdown can wait for them to finish. The counter is
 * lock-free; the lock is only taken to wake a waiter when the count reaches zero.
 */
public final class InFlight {

    private final AtomicInteger count = new AtomicInteger();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition idle = lock.newCondition();

    public void begin() {
        count.incrementAndGet();
    }

    public void end() {
        if (count.decrementAndGet() == 0) {
            lock.lock();
            try {
                idle.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    public int current() {
        return count.get();
    }

    /** Waits until no request is in flight or {@code timeout} passes; true when idle. */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        long remaining = timeout.toNanos();
        lock.lock();
        try {
            while (count.get() > 0) {
                if (remaining <= 0) {
                    return false;
                }
                remaining = idle.awaitNanos(remaining);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** For tests and diagnostics. */
    @Override
    public String toString() {
        return "InFlight[" + count.get() + "]";
    }
}
