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
        leaderChange("elected");
        leaderChange("lost");
        declaredDead(0);
    }

    public void view(ClusterView v) {
        view.set(v);
    }

    /** This node became leader ({@code elected}) or stopped being it ({@code lost}). */
    public void leaderChange(String what) {
        Counter.builder("bulwark.cluster.leader.changes").tag("change", what)
                .description("Times this node became leader or stopped being it").register(meters)
                .increment(0);
    }

    public void countLeaderChange(String what) {
        Counter.builder("bulwark.cluster.leader.changes").tag("change", what).register(meters).increment();
    }

    public void declaredDead(int n) {
        Counter.builder("bulwark.cluster.nodes.declared.dead")
                .description("Nodes this node, as leader, declared dead after missed heartbeats").register(meters)
                .increment(n);
    }

    public void rejoined() {
        Counter.builder("bulwark.cluster.rejoins")
                .description("Times this node found itself declared dead by the leader and registered again")
                .register(meters).increment();
    }
}
