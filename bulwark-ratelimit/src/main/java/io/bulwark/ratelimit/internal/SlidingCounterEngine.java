package io.bulwark.ratelimit.internal;

import io.bulwark.ratelimit.Limit;
import io.bulwark.ratelimit.LimitUsage;
import java.time.Duration;

/**
 * The approximated sliding window: the estimate at offset {@code e} into aligned window
 * {@code k} is {@code previous * (W - e) / W + current}. Exact integers: every comparison is
 * made multiplied by {@code W}, counted in ticks of {@link Resolution} ({@code permits * W}
 * then fits with headroom); the tick divides the window, so windows stay aligned.
 *
 * <h2>Design notes</h2>
 * Since the weighted previous count is never negative, {@code current + cost <= permits}
 * always holds on admission: each aligned window admits at most {@code permits}, which is the
 * hard promise; the estimate is the soft one (it assumes the previous window's requests were
 * spread evenly).
 */
final class SlidingCounterEngine extends EngineBase {

    /** The per-key state: the current window's index and the counts of it and the one before. */
    static final class State extends KeyState.Single {
        final long index;
        final long previous;
        final long current;

        State(long now, long reset, long index, long previous, long current) {
            super(now, now + reset);
            this.index = index;
            this.previous = previous;
            this.current = current;
        }
    }

    private final long tick;
    private final long window;

    SlidingCounterEngine(Limit limit) {
        super(limit);
        this.tick = Resolution.of(permits, windowNanos);
        this.window = windowNanos / tick;
    }

    @Override
    public void attempt(Object state, long now, long cost, Verdict out) {
        long index = Math.floorDiv(now, windowNanos);
        long e = Math.floorMod(now, windowNanos) / tick;
        State s = rolled((State) state, index);
        long budget = permits * window;
        long used = s.previous * (window - e) + s.current * window;
        long need = used + cost * window;
        long windowStart = index * windowNanos;
        if (need <= budget) {
            long reset = reset(s.previous, s.current + cost, windowStart, now);
            out.allow(new State(now, reset, index, s.previous, s.current + cost), (budget - need) / window, reset, 0);
            return;
        }
        long target;
        if (s.current + cost > permits) {
            // wait for the next window, then for the current count's weight to shrink enough
            long free = (permits - cost) * window;
            long offset = window - free / s.current;
            target = windowStart + windowNanos + Math.max(0, offset) * tick;
        } else {
            long free = (permits - s.current - cost) * window;
            target = windowStart + (window - free / s.previous) * tick;
        }
        out.reject(Math.max(0, (budget - used) / window), reset(s.previous, s.current, windowStart, now), Math.max(1, target - now));
    }

    @Override
    public LimitUsage usage(Object state, long now) {
        long index = Math.floorDiv(now, windowNanos);
        long e = Math.floorMod(now, windowNanos) / tick;
        State s = rolled((State) state, index);
        long used = s.previous * (window - e) + s.current * window;
        long remaining = Math.max(0, (permits * window - used) / window);
        long usedPermits = Math.ceilDiv(used, window);
        return new LimitUsage(limit, usedPermits, remaining,
                Duration.ofNanos(reset(s.previous, s.current, index * windowNanos, now)));
    }

    /** Nanoseconds until the estimate is zero: the current count ages out at the end of the next window. */
    private long reset(long previous, long current, long windowStart, long now) {
        if (current > 0) {
            return windowStart + 2 * windowNanos - now;
        }
        return previous > 0 ? windowStart + windowNanos - now : 0;
    }

    private static State rolled(State s, long index) {
        if (s == null || s.index < index - 1) {
            return new State(0, 0, index, 0, 0);
        }
        if (s.index == index - 1) {
            return new State(0, 0, index, s.current, 0);
        }
        return s;
    }
}
