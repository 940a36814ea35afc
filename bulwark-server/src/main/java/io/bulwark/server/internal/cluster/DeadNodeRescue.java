package io.bulwark.server.internal.cluster;

import io.bulwark.cluster.DeadNodeHandler;
import io.bulwark.cluster.Term;
import io.bulwark.cluster.store.NodeRow;
import io.bulwark.jobs.Job;
import io.bulwark.jobs.Worker;
import io.bulwark.jobs.store.JobStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.List;

/**
 * The leader's hand-over of a dead node's work: every job it had claimed before it was declared
 * dead becomes available again at once (or dead when out of attempts), instead of waiting for its
 * lease to run out. Idempotent: a second run finds nothing, and jobs the node claimed after the
 * declaration (it was only paused) are left to their leases.
 */
final class DeadNodeRescue implements DeadNodeHandler {

    private static final Logger LOG = LoggerFactory.getLogger(DeadNodeRescue.class);
    private static final int BATCH = 1000;

    private final JobStore store;
    private final String self;
    private final Worker worker;

    /** {@code worker} counts the rescued jobs and tells its listeners (a dead async call's callback). */
    DeadNodeRescue(JobStore store, String self, Worker worker) {
        this.store = store;
        this.self = self;
        this.worker = worker;
    }

    @Override
    public void handle(NodeRow node, Instant declaredAt, Term term) {
        int total = 0;
        List<Job> batch;
        do {
            batch = store.rescueNode(node.id(), declaredAt, self, BATCH);
            worker.rescued(batch, "node_dead");
            total += batch.size();
        } while (batch.size() == BATCH);
        if (total > 0) {
            LOG.warn("Leader {} (term {}) rescued {} running jobs of dead node {}: they run again elsewhere now, or are "
                    + "dead when out of attempts; a result the node still sends is refused", self, term.term(), total,
                    node.id());
        }
    }
}
