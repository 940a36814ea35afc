package io.bulwark.resilience.timeout.internal;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * One synchronous call under a timeout that schedules its own interrupt (when every
 * {@link Watchdog} slot is taken): its thread and the race between the call
 * ending and the interrupt (RUNNING, then DONE by the caller, or INTERRUPTING then INTERRUPTED
 * by the timer).
 */
public final class Interrupter extends AtomicInteger implements Runnable {

    private static final int RUNNING = 0;
    private static final int DONE = 1;
    private static final int INTERRUPTING = 2;
    private static final int INTERRUPTED = 3;

    private final transient Thread target;

    /** A call running on {@code target}. */
    public Interrupter(Thread target) {
        this.target = target;
    }

    /** Interrupts the call's thread, unless the call finished first. */
    @Override
    public void run() {
        if (compareAndSet(RUNNING, INTERRUPTING)) {
            target.interrupt();
            set(INTERRUPTED);
        }
    }

    /**
     * Called by the call's own thread when the call ends: true when it finished first; false when
     * the timer fired, in which case the interrupt it delivered is cleared before returning.
     */
    public boolean finish() {
        if (compareAndSet(RUNNING, DONE)) {
            return true;
        }
        while (get() != INTERRUPTED) {
            Thread.onSpinWait(); // the timer is between its CAS and interrupt(): a few instructions
        }
        Thread.interrupted();
        return false;
    }
}
