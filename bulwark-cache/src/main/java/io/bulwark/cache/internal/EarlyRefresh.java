package io.bulwark.cache.internal;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Probabilistic early expiration ("XFetch", Vattani, Chierichetti and Lowenstein, VLDB 2015): a
 * read refreshes an entry early when {@code now - loadTime * beta * ln(random) >= expiresAt}.
 * The chance grows as expiry nears and with the time the value takes to load, so a hot key is
 * refreshed by one read a little before it expires instead of by every node at once after it,
 * and a cold key is left to expire.
 */
final class EarlyRefresh {

    /** The largest {@code -ln(u)} for a double u in (0, 1]: u is at least 2^-53. */
    private static final double MAX_EXPONENTIAL = 53 * Math.log(2);

    private final double beta;

    EarlyRefresh(double beta) {
        this.beta = beta;
    }

    /** True when {@code e} may be refreshed early at all: a reloadable entry whose load took time, and beta above 0. */
    boolean applies(Entry<?> e) {
        return beta != 0 && e.source() != null && e.loadNanos() > 0;
    }

    boolean due(Entry<?> e, long nowMillis) {
        if (!applies(e)) {
            return false;
        }
        long left = e.expiresAtMillis() - nowMillis;
        if (left <= 0) {
            return false; // expired: the cache drops it, no refresh
        }
        double loadMillis = e.loadNanos() / 1e6;
        if (left > loadMillis * beta * MAX_EXPONENTIAL) {
            return false; // not even the largest draw reaches expiry: skip the draw and the logarithm
        }
        double u = 1.0 - ThreadLocalRandom.current().nextDouble(); // in (0, 1]
        return -loadMillis * beta * Math.log(u) >= left;
    }
}
