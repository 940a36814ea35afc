package io.bulwark.resilience.timeout.internal;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.LongSupplier;

/**
 * Watches the synchronous calls in flight under one timeout and interrupts those past their
 * deadline, with one scheduled task for all of them instead of one per call.
 *
 * <p>Design notes. A call takes a free slot (a CAS, starting at a slot picked by its thread, so
 * threads rarely meet) and gives it back when it ends (a release store). A single run is
 * scheduled for the earliest deadline that may need it ({@code armedFor}); the run scans the
 * slots, interrupts the expired calls and re-arms for the earliest deadline still in flight. A
 * call only schedules when its deadline is earlier than the armed one, so under steady traffic
 * with one timeout value the scheduler wakes once per timeout period rather than once per call
 * (scheduling per call costs a lock, a heap insertion and a wake-up of the scheduler's thread).
 *
 * <p>Why no call is missed: a call writes its slot before it reads {@code armedFor}; a run resets
 * {@code armedFor} before it reads the slots. Either the call reads the reset (and arms a run
 * itself) or it read the old value before the reset, and then the run's scan sees its slot.
 * {@code armedFor == d} always means a run for {@code d} is pending or running. When every slot
 * is taken, {@link #watch} says so and the caller schedules its own interrupt.
 */
public final class Watchdog {

    private static final long DISARMED = Long.MAX_VALUE;

    private final ScheduledExecutorService scheduler;
    private final LongSupplier ticker;
    private final AtomicReferenceArray<Interrupter> slots;
    private final int mask;
    private final AtomicLong armedFor = new AtomicLong(DISARMED);

    /** A watchdog with {@code slots} slots (a power of two). */
    public Watchdog(ScheduledExecutorService scheduler, LongSupplier ticker, int slots) {
        if (Integer.bitCount(slots) != 1) {
            throw new IllegalArgumentException("slots must be a power of two but was " + slots);
        }
        this.scheduler = scheduler;
        this.ticker = ticker;
        this.slots = new AtomicReferenceArray<>(slots);
        this.mask = slots - 1;
    }

    /** Watches {@code call}; returns its slot, or -1 when every slot is taken. */
    public int watch(Interrupter call) {
        int start = (int) (Thread.currentThread().threadId() * 0x9E3779B97F4A7C15L >>> 40);
        for (int i = 0; i <= mask; i++) {
            int slot = (start + i) & mask;
            if (slots.get(slot) == null && slots.compareAndSet(slot, null, call)) {
                try {
                    arm(call.deadlineNanos());
                } catch (RejectedExecutionException shutDown) {
                    slots.set(slot, null); // the call will not run: give the slot back
                    throw shutDown;
                }
                return slot;
            }
        }
        return -1;
    }

    /** Gives back the slot of a call that has {@linkplain Interrupter#finish() finished}. */
    public void unwatch(int slot) {
        slots.setRelease(slot, null);
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
        for (int i = 0; i <= mask; i++) {
            Interrupter call = slots.get(i);
            if (call == null || !call.running()) {
                continue;
            }
            if (now - call.deadlineNanos() >= 0) {
                call.run();
            } else if (next == DISARMED || call.deadlineNanos() - next < 0) {
                next = call.deadlineNanos();
            }
        }
        if (next != DISARMED) {
            arm(next);
        }
    }
}
