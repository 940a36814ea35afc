package io.bulwark.resilience.breaker.internal;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The last N outcomes in a ring.
 *
 * <p>Design notes. Each slot holds the packed contribution of its outcome to three counters
 * (total, failed, slow), 21 bits each in one {@code long}. Recording takes a ticket
 * ({@code getAndIncrement}), swaps the new contribution into the ticket's slot
 * ({@code getAndSet}) and adds {@code new - old} to the packed sum with one
 * {@code addAndGet}: three atomic instructions, no lock, no allocation. Additions commute, so
 * the sum is exact once the recorders in flight have finished; in between a field may read
 * one low or even -1 for an instant (a slot overwritten before its writer added it), which is
 * why the fields are decoded as signed. Slots start empty (contribution 0), so {@code total}
 * is {@code min(calls, N)} with no extra bookkeeping. When the slot already holds the same
 * contribution (a success replacing a success: the steady state of a healthy provider) the
 * swap and the add are skipped, leaving the ticket as the only shared write; skipping is
 * equivalent to writing, because the sum always equals the ring's contents once writers finish.
 * The tickets also count the breaker's successes ({@link SuccessTally}).
 */
final class CountWindow implements CallWindow {

    private static final int BITS = 21;
    private static final long TOTAL = 1L;
    private static final long FAILED = 1L << BITS;
    private static final long SLOW = 1L << (2 * BITS);
    private static final long[] CONTRIBUTION = new long[Outcome.values().length];

    static {
        for (Outcome o : Outcome.values()) {
            CONTRIBUTION[o.ordinal()] = TOTAL + (o.failed ? FAILED : 0) + (o.slow ? SLOW : 0);
        }
    }

    /** Tickets below this take {@link #slotOf}'s fast path: 2^40, a trillion calls in one window. */
    private static final long FAST_BELOW = 1L << 40;

    private final int size;
    private final double inverse;
    private final SuccessTally tally;
    private final AtomicLongArray ring;
    private final AtomicLong ticket = new AtomicLong();
    private final AtomicLong sum = new AtomicLong();
    private final AtomicInteger consecutiveFailures = new AtomicInteger();

    CountWindow(int size, SuccessTally tally) {
        this.size = size;
        this.inverse = 1.0 / size;
        this.tally = tally;
        this.ring = new AtomicLongArray(size);
    }

    @Override
    public WindowCounts record(Outcome outcome, long nowNanos) {
        long contribution = CONTRIBUTION[outcome.ordinal()];
        boolean success = outcome == Outcome.SUCCESS;
        if (!success) {
            tally.notSuccess.increment(); // before the ticket: the tally may under-count, never over-count
        }
        long t = ticket.getAndIncrement();
        if (t >= SuccessTally.CLOSED) { // late into a replaced window: count outside the tickets
            if (success) {
                tally.late.increment();
            } else {
                tally.notSuccess.decrement();
            }
        }
        int slot = slotOf(t);
        if (outcome.failed) {
            consecutiveFailures.incrementAndGet();
        } else if (consecutiveFailures.get() != 0) {
            consecutiveFailures.set(0);
        }
        if (ring.get(slot) == contribution) {
            return null; // the same outcome replaces itself: nothing changes, no shared write
        }
        long old = ring.getAndSet(slot, contribution);
        return decode(sum.addAndGet(contribution - old));
    }

    /**
     * {@code ticket mod size}: a multiplication by the precomputed inverse and one correction
     * instead of a 64-bit division (several times slower). Exact while the quotient's error stays
     * under one, which holds far beyond {@link #FAST_BELOW} tickets; past it (or for a late ticket)
     * the division.
     */
    int slotOf(long ticket) {
        if (ticket >= FAST_BELOW) {
            return (int) Long.remainderUnsigned(ticket, size);
        }
        long r = ticket - (long) (ticket * inverse) * size;
        if (r < 0) {
            r += size;
        } else if (r >= size) {
            r -= size;
        }
        return (int) r;
    }

    /** The tickets taken (plus {@link SuccessTally#CLOSED} once the window was replaced). */
    long tickets() {
        return ticket.get();
    }

    /** Closes the tickets of this replaced window, moving their count to the tally. */
    void retire() {
        tally.retire(ticket);
    }

    @Override
    public WindowCounts counts(long nowNanos) {
        return decode(sum.get());
    }

    @Override
    public int consecutiveFailures() {
        return consecutiveFailures.get();
    }

    static WindowCounts decode(long packed) {
        long total = (packed << (64 - BITS)) >> (64 - BITS);
        long rest = (packed - total) >> BITS;
        long failed = (rest << (64 - BITS)) >> (64 - BITS);
        long slow = (rest - failed) >> BITS;
        return new WindowCounts(Math.max(0, total), Math.max(0, failed), Math.max(0, slow));
    }
}
