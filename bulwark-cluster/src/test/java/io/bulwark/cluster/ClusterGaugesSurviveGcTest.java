package io.bulwark.cluster;

import io.bulwark.cluster.store.InMemoryClusterStore;
import io.bulwark.core.time.SettableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.lang.ref.WeakReference;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Regression: {@code bulwark_cluster_leader}, {@code bulwark_cluster_term} and
 * {@code bulwark_cluster_heartbeat_age_seconds} read NaN on every node a few seconds after start,
 * because Micrometer holds a gauge's state object weakly and nothing else held the lambdas.
 */
class ClusterGaugesSurviveGcTest {

    @Test
    void clusterGaugesStillReadTheNodeAfterAGarbageCollection() {
        SettableClock clock = SettableClock.at(Instant.parse("2026-01-01T00:00:00Z"));
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        NodeInfo info = new NodeInfo("a", "a", NodeRole.WORKER, "test", clock.instant(), List.of(), 10);
        ClusterNode node = ClusterNode.builder(new InMemoryClusterStore(clock), info).heartbeat(Duration.ofSeconds(5))
                .ticker(() -> clock.millis() * 1_000_000L).meters(meters).build();
        node.join();
        node.elect();

        collectGarbage();

        assertThat(meters.get("bulwark.cluster.leader").gauge().value()).isEqualTo(1.0);
        assertThat(meters.get("bulwark.cluster.term").gauge().value()).isEqualTo(1.0);
        assertThat(meters.get("bulwark.cluster.heartbeat.age").gauge().value()).isZero();
        assertThat(node.isLeader()).isTrue(); // keeps the node reachable until here
    }

    /** Runs the collector until a weakly held object is gone. */
    private static void collectGarbage() {
        WeakReference<Object> probe = new WeakReference<>(new Object());
        for (int i = 0; i < 50 && probe.get() != null; i++) {
            System.gc();
        }
        assertThat(probe.get()).as("a garbage collection ran").isNull();
    }
}
