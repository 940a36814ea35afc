package io.bulwark.cluster.internal;

import io.bulwark.cluster.ClusterView;
import io.bulwark.cluster.NodeState;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.concurrent.atomic.AtomicReference;
import java.util.function.DoubleSupplier;

/** The cluster's meters. Labels are bounded: node states and fixed causes only, never node ids. */
public final class ClusterMetrics {

    private final MeterRegistry meters;
    private final AtomicReference<ClusterView> view = new AtomicReference<>();
    private final Counter elected;
    private final Counter lost;
    private final Counter declaredDead;
    private final Counter rejoins;

    public ClusterMetrics(MeterRegistry meters, DoubleSupplier heartbeatAgeSeconds, DoubleSupplier leader,
                          DoubleSupplier term) {
        this.meters = meters;
        for (NodeState state : NodeState.values()) {
            Gauge.builder("bulwark.cluster.nodes", view, v -> v.get() == null ? 0 : v.get().count(state))
                    .tag("state", state.id()).description("Nodes in each state, as this node last saw the fleet")
                    .register(meters);
        }
        Gauge.builder("bulwark.cluster.heartbeat.age", heartbeatAgeSeconds, DoubleSupplier::getAsDouble).baseUnit("seconds")
                .description("Time since this node's last heartbeat reached the store").register(meters);
        Gauge.builder("bulwark.cluster.leader", leader, DoubleSupplier::getAsDouble)
                .description("1 while this node is the leader, else 0").register(meters);
        Gauge.builder("bulwark.cluster.term", term, DoubleSupplier::getAsDouble)
                .description("The leader term this node last saw (the fencing token of leader-only writes)")
                .register(meters);
        this.elected = leaderChanges("elected");
        this.lost = leaderChanges("lost");
        this.declaredDead = Counter.builder("bulwark.cluster.nodes.declared.dead")
                .description("Nodes this node, as leader, declared dead after missed heartbeats").register(meters);
        this.rejoins = Counter.builder("bulwark.cluster.rejoins")
                .description("Times this node found itself declared dead by the leader and registered again")
                .register(meters);
    }

    public void view(ClusterView v) {
        view.set(v);
    }

    private Counter leaderChanges(String change) {
        return Counter.builder("bulwark.cluster.leader.changes").tag("change", change)
                .description("Times this node became leader or stopped being it").register(meters);
    }

    /** This node became leader ({@code elected}) or stopped being it ({@code lost}). */
    public void countLeaderChange(String what) {
        (what.equals("elected") ? elected : lost).increment();
    }

    public void declaredDead(int n) {
        declaredDead.increment(n);
    }

    public void rejoined() {
        rejoins.increment();
    }
}
