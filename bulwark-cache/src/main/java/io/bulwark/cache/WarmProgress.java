package io.bulwark.cache;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * How far a warm-up got.
 *
 * @param cache the cache's name
 * @param state RUNNING, DONE, or FAILED (the warmer's key listing threw; see {@code error})
 * @param total keys listed by the warmer (0 until they are listed)
 * @param loaded keys now in the cache (from the L2 or loaded)
 * @param failed keys whose batch threw or that the warmer left out
 * @param started when it started
 * @param finished when it ended, once it has
 * @param error what went wrong, for a FAILED warm-up or a failed batch
 */
public record WarmProgress(String cache, State state, long total, long loaded, long failed, Instant started,
                           Optional<Instant> finished, Optional<String> error) {

    /** The phases of a warm-up. */
    public enum State { RUNNING, DONE, FAILED }

    /** Validates. */
    public WarmProgress {
        Objects.requireNonNull(cache, "cache");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(started, "started");
        Objects.requireNonNull(finished, "finished");
        Objects.requireNonNull(error, "error");
    }

    /** The share of listed keys handled so far, from 0 to 1 (0 while nothing is listed). */
    public double fraction() {
        return total == 0 ? (state == State.RUNNING ? 0.0 : 1.0) : (double) (loaded + failed) / total;
    }
}
