package io.bulwark.ratelimit.internal;

import io.bulwark.ratelimit.Limit;
import io.bulwark.ratelimit.LimitUsage;
import java.time.Duration;
import java.util.Arrays;

/**
 * The exact sliding window: a log of admissions (time, cost) within the last {@code W}
 * nanoseconds; an admission at {@code t} counts while {@code now < t + W}.
 *
 * <h2>Design notes</h2>
 * The log is an immutable pair of arrays, copied on each admission (copy-on-write, so the
 * CAS publishes a consistent log). Its length is at most {@code permits} (each entry costs at
 * least 1, and admissions at the same nanosecond are merged), which is why this algorithm
 * suits limits of up to a few thousand permits per key; larger limits want the sliding
 * counter.
 */
final class SlidingLogEngine extends EngineBase {

    /** The per-key log, oldest first; the arrays are never written after construction. */
    static final class State extends KeyState.Single {
        final long[] times;
        final long[] costs;
        final long total;

        State(long now, long reset, long[] times, long[] costs, long total) {
            super(now, now + reset);
            this.times = times;
            this.costs = costs;
            this.total = total;
        }
    }

    private static final State EMPTY = new State(0, 0, new long[0], new long[0], 0);

    SlidingLogEngine(Limit limit) {
        super(limit);
    }

    @Override
    public void attempt(Object state, long now, long cost, Verdict out) {
        State s = live((State) state, now);
        int n = s.times.length;
        if (s.total + cost <= permits) {
            State next;
            if (n > 0 && s.times[n - 1] == now) {
                long[] costs = s.costs.clone();
                costs[n - 1] += cost;
                next = new State(now, windowNanos, s.times, costs, s.total + cost);
            } else {
                long[] times = Arrays.copyOf(s.times, n + 1);
                long[] costs = Arrays.copyOf(s.costs, n + 1);
                times[n] = now;
                costs[n] = cost;
                next = new State(now, windowNanos, times, costs, s.total + cost);
            }
            out.allow(next, permits - next.total, windowNanos, 0);
            return;
        }
        long freed = 0;
        long retry = windowNanos;
        for (int i = 0; i < n; i++) {
            freed += s.costs[i];
            if (s.total - freed + cost <= permits) {
                retry = s.times[i] + windowNanos - now;
                break;
            }
        }
        out.reject(permits - s.total, s.times[n - 1] + windowNanos - now, retry);
    }

    @Override
    public LimitUsage usage(Object state, long now) {
        State s = live((State) state, now);
        long reset = s.times.length == 0 ? 0 : s.times[s.times.length - 1] + windowNanos - now;
        return new LimitUsage(limit, s.total, permits - s.total, Duration.ofNanos(reset));
    }

    /** The log without the entries that no longer count at {@code now}. */
    private State live(State s, long now) {
        if (s == null) {
            return EMPTY;
        }
        long[] times = s.times;
        int drop = 0;
        long dropped = 0;
        while (drop < times.length && now - times[drop] >= windowNanos) {
            dropped += s.costs[drop];
            drop++;
        }
        if (drop == 0) {
            return s;
        }
        return new State(0, 0, Arrays.copyOfRange(times, drop, times.length),
                Arrays.copyOfRange(s.costs, drop, s.costs.length), s.total - dropped);
    }
}
