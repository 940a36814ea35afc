package io.bulwark.cluster;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The fleet as one node sees it.
 *
 * @param self this node's id
 * @param at the store's time of the view
 * @param leader the current term, if any node leads
 * @param nodes every node the store knows, ordered by id
 */
public record ClusterView(String self, Instant at, Optional<Term> leader, List<NodeView> nodes) {

    public ClusterView {
        nodes = List.copyOf(nodes);
    }

    /** This node's entry, if the store knows it. */
    public Optional<NodeView> own() {
        return node(self);
    }

    /** The entry of {@code id}, if the store knows it. */
    public Optional<NodeView> node(String id) {
        return nodes.stream().filter(n -> n.id().equals(id)).findFirst();
    }

    /** How many nodes are in {@code state}. */
    public long count(NodeState state) {
        return nodes.stream().filter(n -> n.state() == state).count();
    }
}
