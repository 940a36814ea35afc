package io.bulwark.ratelimit.internal;

import io.bulwark.ratelimit.Limit;
import io.bulwark.ratelimit.LimitUsage;
import java.time.Duration;

/**
 * A counter per aligned window {@code [k*W, (k+1)*W)} of the ticker's nanoseconds: admits
 * while the window's count plus the cost stays within the permits; a rejection waits for the
 * next window.
 */
final class FixedWindowEngine extends EngineBase {

    /** The per-key state: the window's index and its count. */
    static final class State extends KeyState.Single {
        final long index;
        final long count;

        State(long now, long reset, long index, long count) {
            super(now, now + reset);
            this.index = index;
            this.count = count;
        }
    }


    FixedWindowEngine(Limit limit) {
        super(limit);
    }

    @Override
    public void attempt(Object state, long now, long cost, Verdict out) {
        long index = Math.floorDiv(now, windowNanos);
        long count = count((State) state, index);
        long reset = windowNanos - Math.floorMod(now, windowNanos);
        if (count + cost <= permits) {
            out.allow(new State(now, reset, index, count + cost), permits - count - cost, reset, 0);
        } else {
            out.reject(permits - count, reset, reset);
        }
    }

    @Override
    public LimitUsage usage(Object state, long now) {
        long index = Math.floorDiv(now, windowNanos);
        long count = count((State) state, index);
        long reset = count == 0 ? 0 : windowNanos - Math.floorMod(now, windowNanos);
        return new LimitUsage(limit, count, permits - count, Duration.ofNanos(reset));
    }

    private static long count(State s, long index) {
        return s == null || s.index != index ? 0 : s.count;
    }
}
