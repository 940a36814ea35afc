package io.bulwark.cluster;

import io.bulwark.cluster.store.Beat;
import io.bulwark.cluster.store.ClusterStore;
import io.bulwark.cluster.store.NodeRow;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** A cluster store that fails every call while {@link #down} is set: a database that went away. */
final class FlakyClusterStore implements ClusterStore {

    private final ClusterStore delegate;
    volatile boolean down;

    FlakyClusterStore(ClusterStore delegate) {
        this.delegate = delegate;
    }

    private void check() {
        if (down) {
            throw new IllegalStateException("connection refused (the test stopped the store)");
        }
    }

    @Override public Instant now() { check(); return delegate.now(); }
    @Override public void register(NodeInfo node) { check(); delegate.register(node); }
    @Override public Beat heartbeat(String id, int inFlight, List<String> queues, boolean draining) {
        check();
        return delegate.heartbeat(id, inFlight, queues, draining);
    }
    @Override public void deregister(String id) { check(); delegate.deregister(id); }
    @Override public List<NodeRow> nodes() { check(); return delegate.nodes(); }
    @Override public boolean requestDrain(String id) { check(); return delegate.requestDrain(id); }
    @Override public Instant markDead(Collection<String> ids, Term term) { check(); return delegate.markDead(ids, term); }
    @Override public int forgetDead(Instant before, Term term) { check(); return delegate.forgetDead(before, term); }
    @Override public Optional<Term> elect(String id, Duration ttl) { check(); return delegate.elect(id, ttl); }
    @Override public void resign(Term term) { check(); delegate.resign(term); }
    @Override public Optional<Term> leader() { check(); return delegate.leader(); }
    @Override public List<Term> terms(int max) { check(); return delegate.terms(max); }
    @Override public void close() { }
}
