package io.bulwark.ratelimit.internal;

import io.bulwark.ratelimit.Limit;
import io.bulwark.ratelimit.LimitUsage;
import java.time.Duration;

/**
 * The approximated sliding window: the estimate at offset {@code e} into aligned window
 * {@code k} is {@code previous * (W - e) / W + current}. Exact integers: every comparison is
 * made multiplied by {@code W} ({@code permits * W} fits with headroom, see {@link Limit}).
 *
 * <h2>Design notes</h2>
 * Since the weighted previous count is never negative, {@code current + cost <= permits}
 * always holds on admission: each aligned window admits at most {@code permits}, which is the
 * hard promise; the estimate is the soft one (it assumes the previous window's requests were
 * spread evenly).
 */
final class SlidingCounterEngine implements LimitEngine {

    /** The per-key state: the current window's index and the counts of it and the one before. */
    record State(long index, long previous, long current) {
    }

    private final Limit limit;
    private final long permits;
    private final long windowNanos;

    SlidingCounterEngine(Limit limit) {
        this.limit = limit;
        this.permits = limit.permits();
        this.windowNanos = limit.windowNanos();
    }

    @Override
    public Limit limit() {
        return limit;
    }

    @Override
    public void attempt(Object state, long now, long cost, Verdict out) {
        long index = Math.floorDiv(now, windowNanos);
        long e = Math.floorMod(now, windowNanos);
        State s = rolled((State) state, index);
        long budget = permits * windowNanos;
        long used = s.previous * (windowNanos - e) + s.current * windowNanos;
        long need = used + cost * windowNanos;
        if (need <= budget) {
            out.allow(new State(index, s.previous, s.current + cost), (budget - need) / windowNanos, reset(s.previous, s.current + cost, e), 0);
            return;
        }
        long retry;
        if (s.current + cost > permits) {
            // wait for the next window, then for the current count's weight to shrink enough
            long free = (permits - cost) * windowNanos;
            long offset = s.current == 0 ? 0 : windowNanos - free / s.current;
            retry = windowNanos - e + Math.max(0, offset);
        } else {
            long free = (permits - s.current - cost) * windowNanos;
            long offset = windowNanos - free / s.previous;
            retry = Math.max(1, offset - e);
        }
        out.reject(Math.max(0, (budget - used) / windowNanos), reset(s.previous, s.current, e), retry);
    }

    @Override
    public LimitUsage usage(Object state, long now) {
        long index = Math.floorDiv(now, windowNanos);
        long e = Math.floorMod(now, windowNanos);
        State s = rolled((State) state, index);
        long used = s.previous * (windowNanos - e) + s.current * windowNanos;
        long remaining = Math.max(0, (permits * windowNanos - used) / windowNanos);
        long usedPermits = Math.ceilDiv(used, windowNanos);
        return new LimitUsage(limit, usedPermits, remaining, Duration.ofNanos(reset(s.previous, s.current, e)));
    }

    @Override
    public boolean replenished(Object state, long now) {
        State s = rolled((State) state, Math.floorDiv(now, windowNanos));
        return s.previous == 0 && s.current == 0;
    }

    /** Time until the estimate is zero: the current count ages out at the end of the next window. */
    private long reset(long previous, long current, long e) {
        if (current > 0) {
            return 2 * windowNanos - e;
        }
        return previous > 0 ? windowNanos - e : 0;
    }

    private static State rolled(State s, long index) {
        if (s == null || s.index < index - 1) {
            return new State(index, 0, 0);
        }
        if (s.index == index - 1) {
            return new State(index, s.current, 0);
        }
        return s;
    }
}
