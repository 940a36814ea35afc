package io.bulwark.resilience.breaker.internal;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The successes a breaker recorded through its count windows, counted by the windows' tickets
 * rather than by a counter of their own: a success in a closed, healthy breaker then costs one
 * atomic operation (its ticket) instead of two.
 *
 * <p>Design notes. Every record into a {@link CountWindow} takes a ticket; a record that is not a
 * plain success also adds one to {@link #notSuccess}, <em>before</em> taking its ticket. The
 * successes are the tickets minus those others. A window is replaced once (a new CLOSED period,
 * a reconfiguration): the thread that replaced it closes its tickets (adds {@link #CLOSED}, so
 * that later tickets are recognisably late) and moves the count taken before to {@link #retired}.
 * A record that comes late into a replaced window counts itself: a success in {@link #late}, any
 * other takes back its {@code notSuccess}.
 *
 * <p>Reading {@link #retired}, then the current window's open tickets, then the late successes,
 * then {@code notSuccess} can only under-count (a window being replaced is missed for an
 * instant; a failure between its two steps is subtracted before its ticket is seen), never
 * over-count, and the count is exact once the records in flight have finished. The answer is the
 * highest count computed so far, so that it never goes down (it feeds a monotonic counter).
 */
final class SuccessTally {

    /** Added to a window's ticket when the window is replaced; tickets at or above it are late. */
    static final long CLOSED = 1L << 62;

    private final AtomicLong retired = new AtomicLong();
    final LongAdder notSuccess = new LongAdder();
    final LongAdder late = new LongAdder();
    private final AtomicLong reported = new AtomicLong();

    /** Moves the tickets taken in {@code ticket}'s window so far to the retired count and closes it. */
    void retire(AtomicLong ticket) {
        while (true) {
            long taken = ticket.get();
            if (taken >= CLOSED) {
                return; // already retired: count nothing twice
            }
            if (ticket.compareAndSet(taken, taken + CLOSED)) {
                retired.addAndGet(taken);
                return;
            }
        }
    }

    /** The successes recorded through count windows since the breaker was created. */
    long successes(CallWindow current) {
        long count = retired.get();
        if (current instanceof CountWindow window) {
            long tickets = window.tickets();
            count += tickets >= CLOSED ? 0 : tickets;
        }
        count += late.sum();
        count -= notSuccess.sum();
        return reported.accumulateAndGet(count, Math::max);
    }
}
