package io.bulwark.jobs.internal;

import io.bulwark.jobs.store.Claim;

import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One attempt in progress on this node: its claim and, once set, why it must stop.
 *
 * <h2>Design notes</h2>
 * The stop reason is set once (first reason wins) and decides the attempt's outcome even when
 * the handler returns normally after being interrupted. Stopping interrupts the thread that runs
 * the handler rather than cancelling its Future: a Future cancelled before its task starts never
 * runs it, and then the attempt would never finish, never free its slot and never be recorded.
 * The lock makes "set the thread" and "interrupt the thread" exclusive, so an interrupt can only
 * reach the thread while it runs this attempt.
 */
public final class Running {

    /** Why an attempt is stopped from outside. */
    public enum Stop { TIMEOUT, CANCEL, LEASE_LOST, DRAIN }

    private final Claim claim;
    private final AtomicReference<Stop> stop = new AtomicReference<>();
    private final ReentrantLock lock = new ReentrantLock();
    private Thread thread;

    public Running(Claim claim) {
        this.claim = claim;
    }

    public Claim claim() {
        return claim;
    }

    /** Called by the thread that starts running the handler. */
    public void enter() {
        lock.lock();
        try {
            thread = Thread.currentThread();
            if (stop.get() != null) {
                thread.interrupt(); // stopped before it started: the handler starts interrupted
            }
        } finally {
            lock.unlock();
        }
    }

    /** Called by that thread when the handler has returned; clears any interrupt meant for it. */
    public void exit() {
        lock.lock();
        try {
            thread = null;
            Thread.interrupted();
        } finally {
            lock.unlock();
        }
    }

    /** The stop reason, or null while the attempt may run. */
    public Stop stopReason() {
        return stop.get();
    }

    /** Asks the attempt to stop: sets the reason (if none yet) and interrupts the handler. */
    public boolean stop(Stop reason) {
        boolean first = stop.compareAndSet(null, reason);
        if (first) {
            lock.lock();
            try {
                if (thread != null) {
                    thread.interrupt();
                }
            } finally {
                lock.unlock();
            }
        }
        return first;
    }
}
