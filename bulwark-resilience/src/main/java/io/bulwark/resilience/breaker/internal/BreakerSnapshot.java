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
 * @param successes successful probes in this half-open period
 */
record BreakerSnapshot(State state, CircuitBreakerConfig config, CallWindow window, Instant since,
                       long openUntilNanos, Instant openUntil, int trips, long[] probes, int successes) {

    static final long[] NO_PROBES = new long[0];

    BreakerSnapshot withProbes(long[] nextProbes, int nextSuccesses) {
        return new BreakerSnapshot(state, config, window, since, openUntilNanos, openUntil, trips, nextProbes,
                nextSuccesses);
    }

    BreakerSnapshot withConfig(CircuitBreakerConfig next, CallWindow nextWindow) {
        return new BreakerSnapshot(state, next, nextWindow, since, openUntilNanos, openUntil, trips, probes,
                successes);
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
