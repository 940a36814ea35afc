package io.bulwark.cluster;

import java.time.Instant;
import java.util.Objects;

/**
 * One leader's tenure: the fencing token that every leader-only write carries.
 *
 * <p>Terms only grow: a node elected after another gets a greater term, so a write fenced by a
 * term (the store checks that it is still the current one, in the same transaction) cannot
 * succeed once a newer leader exists, however long the old one was paused.
 *
 * @param term the fencing token, greater than every term before it
 * @param holder the leader's node id
 * @param electedAt when it was elected, by the store's clock
 * @param until when the leadership lapses unless renewed, by the store's clock
 */
public record Term(long term, String holder, Instant electedAt, Instant until) {

    public Term {
        if (term < 1) {
            throw new IllegalArgumentException("term must be >= 1 but was " + term);
        }
        Objects.requireNonNull(holder, "holder");
        Objects.requireNonNull(electedAt, "electedAt");
        Objects.requireNonNull(until, "until");
    }
}
