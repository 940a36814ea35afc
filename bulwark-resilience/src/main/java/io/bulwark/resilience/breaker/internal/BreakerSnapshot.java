package io.bulwark.resilience.breaker.internal;

import io.bulwark.resilience.breaker.CircuitBreaker.State;
import io.bulwark.resilience.breaker.CircuitBreakerConfig;
import java.time.Instant;

/**
 * One immutable state of a breaker; every transition CASes a new one in.
 *
 * @param state the state
 * @param config the config in force
 * @param window the window of the current (or, when not CLOSED, the last) closed period
 * @param since wall time the state began
 * @param openUntilNanos ticker time an OPEN breaker lets probes through
 * @param openUntil the same on the wall clock (null unless OPEN)
 * @param trips consecutive trips without a close in between (grows the wait)
 * @param probes start times of the half-open probes holding a slot, oldest first
 * @param expired probes whose slot expired (probeTimeout) and that have not returned yet
 * @param successes successful probes in this half-open period
 */
record BreakerSnapshot(State state, CircuitBreakerConfig config, CallWindow window, Instant since,
                       long openUntilNanos, Instant openUntil, int trips, long[] probes, int expired,
                       int successes) {

    static final long[] NO_PROBES = new long[0];

    BreakerSnapshot withProbes(long[] nextProbes, int nextExpired, int nextSuccesses) {
        return new BreakerSnapshot(state, config, window, since, openUntilNanos, openUntil, trips, nextProbes,
                nextExpired, nextSuccesses);
    }

    /** This half-open state with the probes expired at {@code now} moved from live slots to the expired count. */
    BreakerSnapshot expire(long nowNanos) {
        long[] live = liveProbes(nowNanos);
        return live == probes ? this : withProbes(live, expired + probes.length - live.length, successes);
    }

    /**
     * This half-open state after one probe returned. Design note: outcomes carry no permit, so
     * the returning probe is attributed to an expired one first (its slot is already free) and
     * otherwise frees the OLDEST live slot. Both choices keep the live slots at least as many as
     * the truly outstanding, unexpired probes, so no more than permittedCallsInHalfOpen of those
     * ever run at once (the property test checks this over random interleavings).
     */
    BreakerSnapshot probeReturned(int nextSuccesses) {
        if (expired > 0) {
            return withProbes(probes, expired - 1, nextSuccesses);
        }
        return withProbes(java.util.Arrays.copyOfRange(probes, 1, probes.length), 0, nextSuccesses);
    }

    /** True when some probe of this half-open period has not returned. */
    boolean probesOutstanding() {
        return probes.length > 0 || expired > 0;
    }

    BreakerSnapshot withConfig(CircuitBreakerConfig next, CallWindow nextWindow) {
        return new BreakerSnapshot(state, next, nextWindow, since, openUntilNanos, openUntil, trips, probes,
                expired, successes);
    }

    /** The probes still holding a slot at {@code now}: those started less than probeTimeout ago. */
    long[] liveProbes(long nowNanos) {
        long timeout = config.probeTimeout().toNanos();
        int expired = 0;
        while (expired < probes.length && nowNanos - probes[expired] >= timeout) {
            expired++;
        }
        if (expired == 0) {
            return probes;
        }
        long[] live = new long[probes.length - expired];
        System.arraycopy(probes, expired, live, 0, live.length);
        return live;
    }
}
