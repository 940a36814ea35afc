package io.bulwark.resilience.timeout.internal;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongSupplier;

/**
 * Watches the synchronous calls in flight under one timeout and interrupts those past their
 * deadline, with one scheduled task for all of them instead of one per call.
 *
 * <p>Design notes. The watchdog owns a fixed number of slots, allocated once; a call borrows one
 * for its duration, so a call allocates nothing and stores no object reference (a reference store
 * into this long-lived table would cost G1 a card-marking fence per call). A slot is one word of
 * state, {@code generation << 3 | phase}, and the call's deadline, each slot on its own cache line
 * ({@link #STRIDE}), plus the calling thread in {@link #targets} (written only when a slot changes
 * hands). The phases:
 *
 * <pre>
 *   FREE --claim (CAS)--> CLAIMED --deadline written, release store--> RUNNING
 *   RUNNING --the call ends first (CAS)--> FREE
 *   RUNNING --the deadline passed (CAS, by the watchdog)--> INTERRUPTING --interrupt()--> INTERRUPTED
 *   INTERRUPTED --the caller clears its interrupt flag--> FREE
 * </pre>
 *
 * A claim starts a new generation, so the watchdog's CAS from the RUNNING word it read succeeds
 * only for the very call whose deadline and thread it read: a slot reused by a later call (of the
 * same thread or another) is never interrupted for the earlier one. CLAIMED lasts two stores; a
 * watchdog run that finds a slot CLAIMED waits for them rather than miss the call.
 *
 * <p>A call starts from the slot picked by its thread's id, so threads rarely meet and a thread
 * usually finds its own slot again. It costs two CAS (claim, end) and a release store, the least
 * that keeps both races exact: claiming must not collide with another caller, and the end must
 * not collide with an interrupt (a plain store there could let an interrupt land after the call
 * returned, in whatever the thread runs next).
 *
 * <p>A single run is scheduled for the earliest deadline that may need it ({@code armedFor}); the
 * run scans the slots, interrupts the expired calls and re-arms for the earliest deadline still
 * in flight. A call only schedules when its deadline is earlier than the armed one, so under
 * steady traffic with one timeout value the scheduler wakes once per timeout period rather than
 * once per call (scheduling per call costs a lock, a heap insertion and a wake-up of the
 * scheduler's thread).
 *
 * <p>Why no call is missed: a call claims its slot (a CAS, a full fence) before it reads
 * {@code armedFor}; a run resets {@code armedFor} before it reads the slots. Either the call reads
 * the reset (and arms a run itself) or it read the old value before the reset, and then the run's
 * scan sees its slot claimed, waits for its deadline, and covers it. {@code armedFor == d} always
 * means a run for {@code d} is pending or running. When every slot is taken, {@link #watch} says
 * so and the caller schedules its own interrupt.
 */
public final class Watchdog {

    private static final long DISARMED = Long.MAX_VALUE;

    /** Longs per slot in {@link #words}: the state, the deadline, padding to a 64-byte line. */
    private static final int STRIDE = 8;
    private static final int DEADLINE = 1;

    private static final long PHASE = 7;
    private static final long FREE = 0;
    private static final long CLAIMED = 1;
    private static final long RUNNING = 2;
    private static final long INTERRUPTING = 3;
    private static final long INTERRUPTED = 4;
    private static final long GENERATION = 8;

    private final ScheduledExecutorService scheduler;
    private final LongSupplier ticker;
    /** Slot {@code i}'s state at {@code i * STRIDE}, its deadline at {@code i * STRIDE + DEADLINE}. */
    private final AtomicLongArray words;
    /** The thread of the call in each slot; written by the claimer before it publishes RUNNING. */
    private final Thread[] targets;
    private final int mask;
    private final AtomicLong armedFor = new AtomicLong(DISARMED);

    /** A watchdog with {@code slots} slots (a power of two). */
    public Watchdog(ScheduledExecutorService scheduler, LongSupplier ticker, int slots) {
        if (Integer.bitCount(slots) != 1) {
            throw new IllegalArgumentException("slots must be a power of two but was " + slots);
        }
        this.scheduler = scheduler;
        this.ticker = ticker;
        this.words = new AtomicLongArray(slots * STRIDE);
        this.targets = new Thread[slots];
        this.mask = slots - 1;
    }

    /**
     * Watches a call of this thread due at {@code deadlineNanos}; returns its slot, to be given to
     * {@link #finish} when the call ends, or -1 when every slot is taken.
     */
    public int watch(long deadlineNanos) {
        Thread me = Thread.currentThread();
        int start = (int) (me.threadId() * 0x9E3779B97F4A7C15L >>> 40);
        for (int i = 0; i <= mask; i++) {
            int slot = (start + i) & mask;
            int at = slot * STRIDE;
            long s = words.get(at);
            if ((s & PHASE) == FREE && words.compareAndSet(at, s, s + GENERATION + CLAIMED)) {
                if (targets[slot] != me) {
                    targets[slot] = me;
                }
                words.setPlain(at + DEADLINE, deadlineNanos);
                words.setRelease(at, s + GENERATION + RUNNING);
                try {
                    arm(deadlineNanos);
                } catch (RejectedExecutionException shutDown) {
                    finish(slot); // the call will not run: give the slot back
                    throw shutDown;
                }
                return slot;
            }
        }
        return -1;
    }

    /**
     * Ends the call in {@code slot}, on the call's own thread: true when it ended before the
     * watchdog interrupted it; false when the watchdog did, in which case the interrupt it
     * delivered is cleared before returning.
     */
    public boolean finish(int slot) {
        int at = slot * STRIDE;
        long s = words.get(at);
        long free = s - RUNNING + FREE;
        if ((s & PHASE) == RUNNING && words.compareAndSet(at, s, free)) {
            return true;
        }
        long interrupted = s - (s & PHASE) + INTERRUPTED;
        while (words.get(at) != interrupted) {
            Thread.onSpinWait(); // the watchdog is between its CAS and interrupt(): a few instructions
        }
        Thread.interrupted();
        words.setRelease(at, interrupted - INTERRUPTED + FREE);
        return false;
    }

    private void arm(long deadline) {
        while (true) {
            long armed = armedFor.get();
            if (armed - deadline <= 0 && armed != DISARMED) {
                return; // a run at or before this deadline is coming, and it re-arms for the rest
            }
            if (armedFor.compareAndSet(armed, deadline)) {
                try {
                    scheduler.schedule(() -> runAt(deadline), Math.max(0, deadline - ticker.getAsLong()),
                            TimeUnit.NANOSECONDS);
                } catch (RejectedExecutionException e) {
                    armedFor.compareAndSet(deadline, DISARMED);
                    throw e;
                }
                return;
            }
        }
    }

    private void runAt(long deadline) {
        armedFor.compareAndSet(deadline, DISARMED);
        long now = ticker.getAsLong();
        long next = DISARMED;
        for (int slot = 0; slot <= mask; slot++) {
            int at = slot * STRIDE;
            long s = running(at);
            if (s == -1) {
                continue;
            }
            long due = words.getPlain(at + DEADLINE); // written before RUNNING was published
            if (now - due >= 0) {
                Thread target = targets[slot];
                if (words.compareAndSet(at, s, s - RUNNING + INTERRUPTING)) {
                    target.interrupt();
                    words.set(at, s - RUNNING + INTERRUPTED);
                }
            } else if (next == DISARMED || due - next < 0) {
                next = due;
            }
        }
        if (next != DISARMED) {
            arm(next);
        }
    }

    /** The slot's RUNNING state word, or -1 when no call runs in it; waits out a claim in progress. */
    private long running(int at) {
        for (int spins = 0; ; spins++) {
            long s = words.get(at);
            long phase = s & PHASE;
            if (phase == RUNNING) {
                return s;
            }
            if (phase != CLAIMED) {
                return -1;
            }
            if ((spins & 63) == 63) {
                Thread.yield(); // the claimer was descheduled between its two stores
            } else {
                Thread.onSpinWait();
            }
        }
    }

    /** How many slots a call holds now, for tests. */
    int busySlotsForTest() {
        int busy = 0;
        for (int slot = 0; slot <= mask; slot++) {
            busy += (words.get(slot * STRIDE) & PHASE) == FREE ? 0 : 1;
        }
        return busy;
    }
}
