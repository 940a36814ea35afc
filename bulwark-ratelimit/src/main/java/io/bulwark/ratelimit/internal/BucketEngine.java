package io.bulwark.ratelimit.internal;

import io.bulwark.ratelimit.Limit;
import io.bulwark.ratelimit.LimitUsage;
import java.time.Duration;

/**
 * Token bucket, leaky bucket (meter) and leaky bucket (pacing queue), which share one
 * arithmetic: the generic cell rate algorithm on exact integers.
 *
 * <h2>Design notes</h2>
 * A bucket of {@code B} (burst) permits refilled at {@code P} permits per window of {@code W}
 * ticks (see {@link Resolution}; a tick is 1ns for all but huge limits). To keep the
 * arithmetic exact without fractions of a tick, the state counts "debt" in units of
 * {@code 1/P} tick: one permit weighs {@code W} units, the full bucket {@code B*W} units, and
 * one tick drains {@code P} units. {@code max(P, B) * W <= Long.MAX_VALUE / 4}, so sums of two
 * such amounts never overflow; the drain {@code elapsed * P} is only computed when it is known
 * to be at most the debt.
 *
 * <p>The token bucket and the leaky meter admit when the debt after the request fits in the
 * bucket: they are the same promise, seen from the tokens or from the water. Pacing lets the
 * debt overflow the bucket by up to {@code maxDelay * P} units and hands the overflow back as
 * a delay: the request proceeds when that much has drained.
 */
final class BucketEngine extends EngineBase {

    /** The per-key state: the tick of the last admission and the debt at that tick. */
    static final class State extends KeyState.Single {
        final long last;
        final long debt;

        State(long now, long reset, long last, long debt) {
            super(now, now + reset);
            this.last = last;
            this.debt = debt;
        }
    }

    private final long tick;
    private final long window;
    private final long capacity;
    private final long maxOverflow;

    BucketEngine(Limit limit) {
        super(limit);
        this.tick = Resolution.of(Math.max(limit.permits(), limit.burst()), limit.windowNanos());
        this.window = limit.windowNanos() / tick;
        this.capacity = limit.burst() * window;
        long delayTicks = limit.algorithm().paces() ? saturatedNanos(limit.maxDelay()) / tick : 0;
        this.maxOverflow = delayTicks > Resolution.MAX_PRODUCT / permits ? Resolution.MAX_PRODUCT : delayTicks * permits;
    }

    @Override
    public void attempt(Object state, long now, long cost, Verdict out) {
        long t = tick == 1 ? now : Math.floorDiv(now, tick); // a 64-bit division saved on the common path
        long debt = drained((State) state, t);
        long need = debt + cost * window;
        if (need <= capacity) {
            long reset = nanosUntil(t, need, now);
            out.allow(new State(now, reset, t, need), (capacity - need) / window, reset, 0);
        } else if (need - capacity <= maxOverflow) {
            long reset = nanosUntil(t, need, now);
            out.allow(new State(now, reset, t, need), 0, reset, nanosUntil(t, need - capacity, now));
        } else {
            long remaining = debt >= capacity ? 0 : (capacity - debt) / window;
            out.reject(remaining, nanosUntil(t, debt, now), nanosUntil(t, need - capacity - maxOverflow, now));
        }
    }

    @Override
    public Object admit(Object state, long now, long cost) {
        long t = tick == 1 ? now : Math.floorDiv(now, tick);
        long need = drained((State) state, t) + cost * window;
        // within the bucket only: what pacing would admit beyond it comes with a delay
        return need <= capacity ? new State(now, nanosUntil(t, need, now), t, need) : null;
    }

    @Override
    public LimitUsage usage(Object state, long now) {
        long t = Math.floorDiv(now, tick);
        long debt = drained((State) state, t);
        long remaining = debt >= capacity ? 0 : (capacity - debt) / window;
        return new LimitUsage(limit, limit.burst() - remaining, remaining, Duration.ofNanos(nanosUntil(t, debt, now)));
    }

    /** The debt left at tick {@code t}, without ever computing an overflowing drain. */
    private long drained(State s, long t) {
        if (s == null) {
            return 0;
        }
        long elapsed = t - s.last;
        if (elapsed <= 0) {
            return s.debt;
        }
        if (elapsed > s.debt / permits) {
            return 0;
        }
        return s.debt - elapsed * permits;
    }

    /** Nanoseconds from {@code now} until {@code units} of debt have drained, counted from tick {@code t}. */
    private long nanosUntil(long t, long units, long now) {
        if (units <= 0) {
            return 0;
        }
        long ticks = Math.ceilDiv(units, permits);
        return tick == 1 ? ticks : (t + ticks) * tick - now;
    }

    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }
}
