package io.bulwark.cluster.store;

import io.bulwark.cluster.NodeInfo;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A node as the store keeps it.
 *
 * @param info what the node said of itself when it joined
 * @param lastHeartbeat its last heartbeat, by the store's clock
 * @param inFlight attempts it ran at its last heartbeat
 * @param queues the queues it served at its last heartbeat (empty: all)
 * @param draining whether it said at its last heartbeat that it is draining
 * @param drainRequested whether someone asked it to drain ({@link ClusterStore#requestDrain})
 * @param deadAt when the leader declared it dead, by the store's clock; null while it is not
 */
public record NodeRow(NodeInfo info, Instant lastHeartbeat, int inFlight, List<String> queues, boolean draining,
                      boolean drainRequested, Instant deadAt) {

    public NodeRow {
        Objects.requireNonNull(info, "info");
        Objects.requireNonNull(lastHeartbeat, "lastHeartbeat");
        queues = List.copyOf(queues);
    }

    public String id() {
        return info.id();
    }

    public boolean dead() {
        return deadAt != null;
    }
}
