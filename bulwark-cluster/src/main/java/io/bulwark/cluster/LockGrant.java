package io.bulwark.cluster;

import java.time.Instant;
import java.util.Objects;

/**
 * A lock held: by whom, with which fencing token, until when.
 *
 * <p>The token is greater than that of every earlier holder of the same lock name, so a resource
 * that remembers the greatest token it has seen can refuse a write from a holder whose lock
 * expired while it was paused.
 *
 * @param name the lock's name
 * @param owner who holds it (a node id, or what the caller named)
 * @param token the fencing token
 * @param acquiredAt when it was taken, by the store's clock
 * @param until when it lapses unless renewed or released, by the store's clock
 */
public record LockGrant(String name, String owner, long token, Instant acquiredAt, Instant until) {

    public LockGrant {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(acquiredAt, "acquiredAt");
        Objects.requireNonNull(until, "until");
    }
}
