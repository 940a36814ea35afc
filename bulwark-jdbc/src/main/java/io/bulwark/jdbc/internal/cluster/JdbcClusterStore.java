package io.bulwark.jdbc.internal.cluster;

import io.bulwark.cluster.NodeInfo;
import io.bulwark.cluster.Term;
import io.bulwark.cluster.store.Beat;
import io.bulwark.cluster.store.ClusterStore;
import io.bulwark.cluster.store.NodeRow;
import io.bulwark.jdbc.internal.Arguments;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@link ClusterStore} of a JDBC store, whichever: the argument checks and the SQL
 * ({@link NodeRows}, {@link LeaderRows}) are here; a subclass says how a call gets its
 * transaction (a pooled connection on a database server, the one writer of the embedded store).
 * It lives and closes with its job store: {@link #close()} does nothing.
 */
public final class JdbcClusterStore implements ClusterStore {

    private final ClusterTx.Runner tables;
    private final java.util.function.Supplier<String> name;

    /**
     * @param tables how the job store runs these tables' transactions
     * @param name what {@link #toString()} says, asked each time
     */
    public JdbcClusterStore(ClusterTx.Runner tables, java.util.function.Supplier<String> name) {
        this.tables = Objects.requireNonNull(tables, "tables");
        this.name = Objects.requireNonNull(name, "name");
    }

    private <T> T write(String operation, ClusterTx.Work<T> work) {
        return tables.write(operation, work);
    }

    private <T> T read(String operation, ClusterTx.Work<T> work) {
        return tables.read(operation, work);
    }

    @Override
    public Instant now() {
        return tables.now();
    }

    @Override
    public String toString() {
        return name.get();
    }

    @Override
    public void register(NodeInfo node) {
        Objects.requireNonNull(node, "node must be set");
        write("cluster.register", t -> {
            NodeRows.register(t, node);
            return null;
        });
    }

    @Override
    public Beat heartbeat(String nodeId, int inFlight, List<String> queues, boolean draining) {
        Objects.requireNonNull(nodeId, "nodeId must be set");
        if (inFlight < 0) {
            throw new IllegalArgumentException("inFlight must be >= 0 but was " + inFlight);
        }
        List<String> served = List.copyOf(Objects.requireNonNull(queues, "queues must be set"));
        return write("cluster.heartbeat", t -> NodeRows.heartbeat(t, nodeId, inFlight, served, draining));
    }

    @Override
    public void deregister(String nodeId) {
        Objects.requireNonNull(nodeId, "nodeId must be set");
        write("cluster.deregister", t -> {
            NodeRows.deregister(t, nodeId);
            return null;
        });
    }

    @Override
    public List<NodeRow> nodes() {
        return read("cluster.nodes", NodeRows::nodes);
    }

    @Override
    public boolean requestDrain(String nodeId) {
        Objects.requireNonNull(nodeId, "nodeId must be set");
        return write("cluster.requestDrain", t -> NodeRows.requestDrain(t, nodeId));
    }

    @Override
    public Instant markDead(Collection<String> nodeIds, Term term) {
        List<String> ids = List.copyOf(Objects.requireNonNull(nodeIds, "nodeIds must be set"));
        Objects.requireNonNull(term, "term must be set");
        return write("cluster.markDead", t -> NodeRows.markDead(t, ids, term));
    }

    @Override
    public int forgetDead(Instant deadBefore, Term term) {
        Objects.requireNonNull(deadBefore, "deadBefore must be set");
        Objects.requireNonNull(term, "term must be set");
        return write("cluster.forgetDead", t -> NodeRows.forgetDead(t, deadBefore, term));
    }

    @Override
    public Optional<Term> elect(String nodeId, Duration ttl) {
        NodeInfo.requireName("nodeId", nodeId);
        Arguments.requirePositive("ttl", ttl);
        long ttlMs = Math.max(1, ttl.toMillis());
        return write("cluster.elect", t -> LeaderRows.elect(t, nodeId, ttlMs));
    }

    @Override
    public void resign(Term term) {
        Objects.requireNonNull(term, "term must be set");
        write("cluster.resign", t -> {
            LeaderRows.resign(t, term);
            return null;
        });
    }

    @Override
    public Optional<Term> leader() {
        return read("cluster.leader", LeaderRows::leader);
    }

    @Override
    public List<Term> terms(int max) {
        if (max < 0) {
            throw new IllegalArgumentException("max must be >= 0 but was " + max);
        }
        return max == 0 ? List.of() : read("cluster.terms", t -> LeaderRows.terms(t, max));
    }

    /** Nothing to close: the store's connections belong to its job store, which closes them. */
    @Override
    public void close() {
    }
}
