package io.bulwark.jobs.internal;

import io.bulwark.jobs.store.Claim;

import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One attempt in progress on this node: its claim, its task and, once set, why it must stop.
 * The stop reason is set once (first reason wins) and decides the attempt's outcome even when
 * the handler returns normally after being interrupted.
 */
public final class Running {

    /** Why an attempt is stopped from outside. */
    public enum Stop { TIMEOUT, CANCEL, LEASE_LOST, DRAIN }

    private final Claim claim;
    private final AtomicReference<Stop> stop = new AtomicReference<>();
    private volatile Future<?> future;

    public Running(Claim claim) {
        this.claim = claim;
    }

    public Claim claim() {
        return claim;
    }

    public void future(Future<?> f) {
        this.future = f;
        if (stop.get() != null) {
            f.cancel(true); // stopped before the task was handed over
        }
    }

    /** The stop reason, or null while the attempt may run. */
    public Stop stopReason() {
        return stop.get();
    }

    /** Asks the attempt to stop: sets the reason (if none yet) and interrupts the handler. */
    public boolean stop(Stop reason) {
        boolean first = stop.compareAndSet(null, reason);
        Future<?> f = future;
        if (first && f != null) {
            f.cancel(true);
        }
        return first;
    }
}
