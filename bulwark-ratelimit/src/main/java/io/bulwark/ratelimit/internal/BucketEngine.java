package io.bulwark.ratelimit.internal;

import io.bulwark.ratelimit.Limit;
import io.bulwark.ratelimit.LimitUsage;
import java.time.Duration;

/**
 * Token bucket, leaky bucket (meter) and leaky bucket (pacing queue), which share one
 * arithmetic: the generic cell rate algorithm on exact integers.
 *
 * <h2>Design notes</h2>
 * A bucket of {@code B} (burst) permits refilled at {@code P} permits per {@code W} nanos.
 * To keep the arithmetic exact without fractions of a nanosecond, the state counts "debt" in
 * scaled units of {@code 1/P} nanosecond: one permit weighs {@code W} units, the full bucket
 * {@code B*W} units, and one nanosecond drains {@code P} units. {@link Limit} guarantees
 * {@code max(P, B) * W <= Long.MAX_VALUE / 4}, so sums of two such amounts never overflow;
 * the drain {@code elapsed * P} is only computed when it is known to be at most the debt.
 *
 * <p>The token bucket and the leaky meter admit when the debt after the request fits in the
 * bucket: they are the same promise, seen from the tokens or from the water. Pacing lets the
 * debt overflow the bucket by up to {@code maxDelay * P} units and hands the overflow back as
 * a delay: the request proceeds when that much has drained.
 */
final class BucketEngine implements LimitEngine {

    /** The per-key state: the time of the last admission and the debt at that time. */
    record State(long last, long debt) {
    }

    private final Limit limit;
    private final long permits;
    private final long windowNanos;
    private final long capacity;
    private final long maxOverflow;

    BucketEngine(Limit limit) {
        this.limit = limit;
        this.permits = limit.permits();
        this.windowNanos = limit.windowNanos();
        this.capacity = limit.burst() * windowNanos;
        long delayNanos = limit.algorithm().paces() ? saturatedNanos(limit.maxDelay()) : 0;
        this.maxOverflow = delayNanos > Limit.MAX_PRODUCT / permits ? Limit.MAX_PRODUCT : delayNanos * permits;
    }

    @Override
    public Limit limit() {
        return limit;
    }

    @Override
    public void attempt(Object state, long now, long cost, Verdict out) {
        long debt = drained((State) state, now);
        long need = debt + cost * windowNanos;
        if (need <= capacity) {
            out.allow(new State(now, need), (capacity - need) / windowNanos, ceilDiv(need, permits), 0);
        } else if (need - capacity <= maxOverflow) {
            out.allow(new State(now, need), 0, ceilDiv(need, permits), ceilDiv(need - capacity, permits));
        } else {
            long remaining = debt >= capacity ? 0 : (capacity - debt) / windowNanos;
            out.reject(remaining, ceilDiv(debt, permits), ceilDiv(need - capacity - maxOverflow, permits));
        }
    }

    @Override
    public LimitUsage usage(Object state, long now) {
        long debt = drained((State) state, now);
        long remaining = debt >= capacity ? 0 : (capacity - debt) / windowNanos;
        return new LimitUsage(limit, limit.burst() - remaining, remaining, Duration.ofNanos(ceilDiv(debt, permits)));
    }

    @Override
    public boolean replenished(Object state, long now) {
        return drained((State) state, now) == 0;
    }

    /** The debt left at {@code now}, without ever computing an overflowing drain. */
    private long drained(State s, long now) {
        if (s == null) {
            return 0;
        }
        long elapsed = now - s.last;
        if (elapsed <= 0) {
            return s.debt;
        }
        if (elapsed > s.debt / permits) {
            return 0;
        }
        return s.debt - elapsed * permits;
    }

    private static long ceilDiv(long a, long b) {
        return a <= 0 ? 0 : Math.ceilDiv(a, b);
    }

    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }
}
