package io.bulwark.ratelimit.internal;

import io.bulwark.ratelimit.Limit;
import io.bulwark.ratelimit.LimitUsage;

/**
 * One algorithm's arithmetic over an immutable per-key state. Engines are stateless and
 * pure: {@code attempt} never mutates {@code state}; the caller publishes {@link Verdict#next}
 * by CAS only when every limit of the request allowed it (all-or-nothing).
 *
 * <p>A {@code null} state means "never seen": a full bucket, an empty window.
 * {@code now} never goes backwards for a given key (the caller clamps it to the key's last
 * time), and cost is between 1 and the limit's capacity.
 */
public interface LimitEngine {

    /** The limit this engine decides. */
    Limit limit();

    /** Decides {@code cost} at {@code now} and fills {@code out}. */
    void attempt(Object state, long now, long cost, Verdict out);

    /**
     * The lean form of {@link #attempt}: the state after admitting {@code cost} at
     * {@code now} without a delay, or null when the limit refuses (or, pacing, would only
     * admit with a delay). Figures for a response are not computed. The default asks
     * {@code attempt}; engines on a hot path answer directly.
     */
    default Object admit(Object state, long now, long cost) {
        Verdict v = new Verdict();
        attempt(state, now, cost, v);
        return v.allowed && v.delayNanos == 0 ? v.next : null;
    }

    /** The usage at {@code now}. */
    LimitUsage usage(Object state, long now);

    /** The engine for {@code limit}. */
    static LimitEngine of(Limit limit) {
        return switch (limit.algorithm()) {
            case TOKEN_BUCKET, LEAKY_BUCKET, LEAKY_BUCKET_PACING -> new BucketEngine(limit);
            case FIXED_WINDOW -> new FixedWindowEngine(limit);
            case SLIDING_COUNTER -> new SlidingCounterEngine(limit);
            case SLIDING_LOG -> new SlidingLogEngine(limit);
        };
    }
}
