package io.bulwark.cluster;

import java.util.Locale;

/**
 * How the fleet sees a node, judged by the store's clock against its last heartbeat.
 *
 * <ul>
 *   <li>{@link #ALIVE}: its last heartbeat is at most two periods old.</li>
 *   <li>{@link #SUSPECT}: it missed two heartbeats; nothing is taken from it yet.</li>
 *   <li>{@link #DEAD}: the leader declared it dead after {@code cluster.deadAfter} missed beats and
 *       rescued its running jobs; a completion it still sends is refused.</li>
 *   <li>{@link #DRAINING}: it stopped claiming and leaves once its running jobs end.</li>
 * </ul>
 */
public enum NodeState {
    ALIVE, SUSPECT, DEAD, DRAINING;

    /** The lower-case name used in the API and metrics. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
