package io.bulwark.cluster.store;

import io.bulwark.cluster.NodeInfo;
import io.bulwark.cluster.Term;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link ClusterStore} in memory, for tests and for one process. One lock guards all state and
 * every method holds it throughout, so each call is atomic as one transaction would be.
 */
public final class InMemoryClusterStore implements ClusterStore {

    private final InstantSource clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final TreeMap<String, NodeRow> nodes = new TreeMap<>();
    /** Every term, oldest first; the last one is current while its until is in the future. */
    private final List<Term> terms = new ArrayList<>();

    public InMemoryClusterStore(InstantSource clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public Instant now() {
        return clock.instant();
    }

    @Override
    public void register(NodeInfo node) {
        locked(() -> nodes.put(node.id(), new NodeRow(node, now(), 0, node.queues(), false, false, null)));
    }

    @Override
    public Beat heartbeat(String nodeId, int inFlight, List<String> queues, boolean draining) {
        return locked(() -> {
            Instant now = now();
            NodeRow row = nodes.get(nodeId);
            if (row == null || row.dead()) {
                return new Beat(now, false, false);
            }
            nodes.put(nodeId, new NodeRow(row.info(), now, inFlight, queues, draining, row.drainRequested(), null));
            return new Beat(now, true, row.drainRequested());
        });
    }

    @Override
    public void deregister(String nodeId) {
        locked(() -> nodes.remove(nodeId));
    }

    @Override
    public List<NodeRow> nodes() {
        return locked(() -> List.copyOf(nodes.values()));
    }

    @Override
    public boolean requestDrain(String nodeId) {
        return locked(() -> {
            NodeRow r = nodes.get(nodeId);
            if (r == null || r.dead()) {
                return false;
            }
            nodes.put(nodeId, new NodeRow(r.info(), r.lastHeartbeat(), r.inFlight(), r.queues(), r.draining(), true, null));
            return true;
        });
    }

    @Override
    public Instant markDead(Collection<String> nodeIds, Term term) {
        return locked(() -> {
            Instant now = requireCurrent(term);
            for (String id : nodeIds) {
                NodeRow r = nodes.get(id);
                if (r != null && !r.dead()) {
                    nodes.put(id, new NodeRow(r.info(), r.lastHeartbeat(), r.inFlight(), r.queues(), r.draining(),
                            r.drainRequested(), now));
                }
            }
            return now;
        });
    }

    @Override
    public int forgetDead(Instant deadBefore, Term term) {
        return locked(() -> {
            requireCurrent(term);
            int before = nodes.size();
            nodes.values().removeIf(r -> r.dead() && r.deadAt().isBefore(deadBefore));
            return before - nodes.size();
        });
    }

    @Override
    public Optional<Term> elect(String nodeId, Duration ttl) {
        return locked(() -> {
            Instant now = now();
            Term current = terms.isEmpty() ? null : terms.getLast();
            boolean live = current != null && current.until().isAfter(now);
            if (live && !current.holder().equals(nodeId)) {
                return Optional.empty();
            }
            Term next = live
                    ? new Term(current.term(), nodeId, current.electedAt(), now.plus(ttl))
                    : new Term(current == null ? 1 : current.term() + 1, nodeId, now, now.plus(ttl));
            if (live) {
                terms.set(terms.size() - 1, next);
            } else {
                terms.add(next);
            }
            return Optional.of(next);
        });
    }

    @Override
    public void resign(Term term) {
        locked(() -> {
            Instant now = now();
            Term t = terms.isEmpty() ? null : terms.getLast();
            // The holder too: a term is its number and its holder, and only the holder may give it up.
            if (t != null && t.term() == term.term() && t.holder().equals(term.holder()) && t.until().isAfter(now)) {
                terms.set(terms.size() - 1, new Term(t.term(), t.holder(), t.electedAt(), now));
            }
            return null;
        });
    }

    @Override
    public Optional<Term> leader() {
        return locked(() -> terms.isEmpty() || !terms.getLast().until().isAfter(now())
                ? Optional.empty() : Optional.of(terms.getLast()));
    }

    @Override
    public List<Term> terms(int max) {
        return locked(() -> terms.reversed().stream().limit(max).toList());
    }

    @Override
    public void close() {
    }

    private Instant requireCurrent(Term term) {
        Instant now = now();
        Term current = terms.isEmpty() ? null : terms.getLast();
        if (current == null || current.term() != term.term() || !current.holder().equals(term.holder())
                || !current.until().isAfter(now)) {
            throw new NotLeaderException("term " + term.term() + " of " + term.holder() + " is no longer current"
                    + (current == null ? "" : " (the current term is " + current.term() + " of " + current.holder() + ")"));
        }
        return now;
    }

    private <T> T locked(java.util.function.Supplier<T> action) {
        lock.lock();
        try {
            return action.get();
        } finally {
            lock.unlock();
        }
    }

    private void locked(Runnable action) {
        locked(() -> {
            action.run();
            return null;
        });
    }
}
