package io.bulwark.resilience.bulkhead.internal;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.AbstractQueuedLongSynchronizer;

/**
 * The slots of one bulkhead: a semaphore whose count of slots ever taken is its state, so that
 * the bulkhead's "calls let through" counter costs nothing more than taking the slot.
 *
 * <p>Design notes. The synchronizer's state counts the slots taken since creation and
 * {@link #returned} those given back; the calls in flight are their difference. Taking a slot is
 * one CAS on the state (when the difference is under the limit), giving one back one atomic add,
 * as with a {@link java.util.concurrent.Semaphore}; the count of calls let through, which a
 * semaphore leaves to a separate counter (one more atomic operation per call), is the state
 * itself. Reading the taken count before the returned one makes a refusal exact: at the moment
 * {@code returned} was read the calls in flight were at least the difference seen. A full
 * bulkhead is waited on fairly, in arrival order (the queue of the synchronizer); a caller that
 * does not wait takes a free slot ahead of the waiters, as {@code Semaphore.tryAcquire()} does. A
 * smaller limit takes effect as calls in flight finish; a larger one wakes the waiters.
 */
public final class Slots extends AbstractQueuedLongSynchronizer {

    private final AtomicLong returned = new AtomicLong();
    private volatile int limit;

    /** Slots for {@code limit} calls at once. */
    public Slots(int limit) {
        this.limit = limit;
    }

    /** Takes a free slot now, without waiting and ahead of any waiter; false when none is free. */
    public boolean tryTake() {
        return take(false);
    }

    /** Takes a slot, waiting up to {@code nanos} in arrival order behind earlier waiters. */
    public boolean tryTake(long nanos) throws InterruptedException {
        return tryAcquireSharedNanos(1, nanos);
    }

    /** Gives back a slot taken by {@link #tryTake}. */
    public void give() {
        releaseShared(1);
    }

    /** Changes the limit: new slots are free at once (waiters are woken), removed ones as calls finish. */
    public void limit(int next) {
        limit = next;
        releaseShared(0); // wakes the first waiter, which retries and wakes the next if it got in
    }

    /** Calls in flight now. */
    public int inUse() {
        long taken = getState();
        return (int) Math.max(0, taken - returned.get());
    }

    /** Free slots now (negative after the limit shrank below the calls in flight). */
    public int available() {
        return limit - inUse();
    }

    /** Slots taken since creation: the calls let through. */
    public long taken() {
        return getState();
    }

    /** Calls waiting for a slot now (an estimate). */
    public int waiting() {
        return getQueueLength();
    }

    private boolean take(boolean fair) {
        while (true) {
            long taken = getState();
            if (taken - returned.get() >= limit) {
                return false;
            }
            if (fair && hasQueuedPredecessors()) {
                return false;
            }
            if (compareAndSetState(taken, taken + 1)) {
                return true;
            }
        }
    }

    @Override
    protected long tryAcquireShared(long slots) {
        return take(true) ? 1 : -1;
    }

    @Override
    protected boolean tryReleaseShared(long slots) {
        if (slots > 0) {
            returned.addAndGet(slots);
        }
        return true;
    }

    @Override
    public String toString() {
        return "Slots[" + inUse() + " of " + limit + " in use, " + waiting() + " waiting]";
    }
}
