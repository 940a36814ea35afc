package io.bulwark.cluster;

import io.bulwark.cluster.store.NodeRow;

import java.time.Duration;

/**
 * A node as the fleet sees it now.
 *
 * @param row what the store keeps of it
 * @param state its state, judged by the store's clock
 * @param heartbeatAge how long ago its last heartbeat was, by the store's clock
 * @param leader whether it holds the current term
 */
public record NodeView(NodeRow row, NodeState state, Duration heartbeatAge, boolean leader) {

    public String id() {
        return row.id();
    }
}
