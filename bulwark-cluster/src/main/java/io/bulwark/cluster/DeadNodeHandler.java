package io.bulwark.cluster;

import io.bulwark.cluster.store.NodeRow;

import java.time.Instant;

/**
 * What the leader does with a node it declared dead: typically, make the jobs it had claimed
 * before {@code declaredAt} available again at once. Called once per dead node per leader (again
 * by a new leader, so it must be idempotent), and again at the next judgement when it throws.
 */
@FunctionalInterface
public interface DeadNodeHandler {

    /**
     * @param node the dead node as the store keeps it
     * @param declaredAt when it was declared dead, by the store's clock
     * @param term the leader's term, for writes that must be fenced
     */
    void handle(NodeRow node, Instant declaredAt, Term term);
}
