package io.bulwark.cluster.store;

/**
 * A leader-only write was refused because the term it carried is no longer the current one: a
 * newer leader was elected, or the leadership lapsed. The caller must stop acting as leader.
 */
public final class NotLeaderException extends RuntimeException {

    public NotLeaderException(String message) {
        super(message);
    }
}
