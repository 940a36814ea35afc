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

    private final double beta;

    EarlyRefresh(double beta) {
        this.beta = beta;
    }

    boolean due(Entry<?> e, long nowMillis) {
        if (beta == 0 || e.source() == null || e.loadNanos() <= 0) {
            return false;
        }
        long left = e.expiresAtMillis() - nowMillis;
        if (left <= 0) {
            return false; // expired: the cache drops it, no refresh
        }
        double loadMillis = e.loadNanos() / 1e6;
        double u = 1.0 - ThreadLocalRandom.current().nextDouble(); // in (0, 1]
        return -loadMillis * beta * Math.log(u) >= left;
    }
}
