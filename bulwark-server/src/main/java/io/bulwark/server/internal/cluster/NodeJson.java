package io.bulwark.server.internal.cluster;

import io.bulwark.cluster.NodeView;
import io.bulwark.cluster.Term;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** A node as {@code /api/v1/nodes} shows it. */
record NodeJson(String id, String name, String role, String state, String version, Instant startedAt,
                Instant lastHeartbeat, long heartbeatAgeMs, List<String> queues, int inFlight, int capacity,
                boolean leader, Long term, boolean drainRequested, Instant deadAt) {

    static NodeJson of(NodeView v, Optional<Term> leader) {
        var r = v.row();
        return new NodeJson(r.id(), r.info().name(), r.info().role().id(), v.state().id(), r.info().version(),
                r.info().startedAt(), r.lastHeartbeat(), v.heartbeatAge().toMillis(), r.queues(), r.inFlight(),
                r.info().capacity(), v.leader(), v.leader() ? leader.map(Term::term).orElse(null) : null,
                r.drainRequested(), r.deadAt());
    }
}
