package io.bulwark.scaling;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One metric's proposal, against the HPA's documented algorithm ("Algorithm details" in the
 * Kubernetes HorizontalPodAutoscaler documentation) and its replica calculator's handling of
 * missing and unready pods.
 */
class ReplicaCalculatorTest {

    private final ReplicaCalculator hpa = new ReplicaCalculator(0.1);

    private static Observation.PodReadings cpu(double... millicores) {
        Map<String, Double> readings = new java.util.HashMap<>();
        Map<String, Double> requests = new java.util.HashMap<>();
        for (int i = 0; i < millicores.length; i++) {
            readings.put("pod-" + i, millicores[i]);
            requests.put("pod-" + i, 100.0);
        }
        return new Observation.PodReadings(readings, requests, Set.of(), Set.of());
    }

    @Test
    void theDocumentedExampleDoublesAt200mOverA100mTargetAndHalvesAt50m() {
        MetricTarget perPod = MetricTarget.averageValue("requests", 100);
        assertThat(hpa.propose(4, perPod, Observation.PodReadings.of(Map.of("a", 200.0, "b", 200.0, "c", 200.0,
                "d", 200.0))).replicas()).isEqualTo(8);
        assertThat(hpa.propose(4, perPod, Observation.PodReadings.of(Map.of("a", 50.0, "b", 50.0, "c", 50.0,
                "d", 50.0))).replicas()).isEqualTo(2);
    }

    @ParameterizedTest(name = "{0}% of the request against a 100% target: {1} replicas of 3")
    @CsvSource({"109, 3", "110, 4", "91, 3", "90, 3", "89, 3", "80, 3", "200, 6", "50, 2", "150, 5"})
    void theToleranceKeepsSmallChangesOut(double percent, int expected) {
        // 3 pods each at percent of a 100m request; ceil(ratio × 3). 110% is outside: 1.1 - 1 > 0.1 in
        // floating point, as in the HPA. 90% gives 2.7 → 3 (no change), 80% gives 2.4 → 3.
        assertThat(hpa.propose(3, MetricTarget.utilization("cpu", 100), cpu(percent, percent, percent)).replicas())
                .isEqualTo(expected);
    }

    @Test
    void missingPodsCountAtTheirFullRequestOnAScaleDownAndAtZeroOnAScaleUp() {
        MetricTarget cpu = MetricTarget.utilization("cpu", 50);
        Map<String, Double> requests = Map.of("a", 100.0, "b", 100.0, "c", 100.0, "d", 100.0);
        // Down: 2 reporting pods at 10% (ratio 0.2); the 2 missing count at 100%: (10+10+100+100)/400 = 55% → ratio 1.1.
        Proposal down = hpa.propose(4, cpu, new Observation.PodReadings(Map.of("a", 10.0, "b", 10.0), requests,
                Set.of("c", "d"), Set.of()));
        assertThat(down.replicas()).as("filling in brings the ratio within the tolerance: no change").isEqualTo(4);
        // Up: 2 reporting pods at 150% (ratio 3); the 2 missing count at 0: 300/400 = 75% → ratio 1.5 → ceil(1.5 × 4) = 6.
        Proposal up = hpa.propose(4, cpu, new Observation.PodReadings(Map.of("a", 150.0, "b", 150.0), requests,
                Set.of("c", "d"), Set.of()));
        assertThat(up.replicas()).isEqualTo(6);
        assertThat(up.note()).contains("2 missing pod(s) counted at 0");
    }

    @Test
    void unreadyPodsCountAtZeroOnAScaleUpAndANearlyIdleFleetDoesNotGrow() {
        MetricTarget cpu = MetricTarget.utilization("cpu", 50);
        Map<String, Double> requests = Map.of("a", 100.0, "b", 100.0, "c", 100.0);
        // a at 100% alone is ratio 2; with b and c (unready) at 0: 100/300 = 33% → ratio 0.66: the direction
        // would reverse, so nothing changes.
        assertThat(hpa.propose(3, cpu, new Observation.PodReadings(Map.of("a", 100.0), requests, Set.of(),
                Set.of("b", "c"))).replicas()).isEqualTo(3);
        // a and b at 150% (ratio 3) and c unready: 300/300 = 100% → ratio 2 → 6.
        assertThat(hpa.propose(3, cpu, new Observation.PodReadings(Map.of("a", 150.0, "b", 150.0), requests, Set.of(),
                Set.of("c"))).replicas()).isEqualTo(6);
    }

    @Test
    void aTotalAgainstATotalScalesTheReadyPodsAndCanStartFromZero() {
        MetricTarget lag = MetricTarget.value("queue_lag:mail", 10);
        assertThat(hpa.propose(2, lag, new Observation.Total(30, 2)).replicas()).as("ceil(3 × 2)").isEqualTo(6);
        assertThat(hpa.propose(2, lag, new Observation.Total(10.5, 2)).replicas()).as("within tolerance").isEqualTo(2);
        assertThat(hpa.propose(0, lag, new Observation.Total(25, 0)).replicas()).as("from zero: ceil(2.5)").isEqualTo(3);
        assertThat(hpa.propose(0, lag, new Observation.Total(0, 0)).replicas()).as("to zero").isZero();
    }

    @Test
    void aTotalAgainstAPerPodAverageDividesByTheTarget() {
        MetricTarget perWorker = MetricTarget.averageValue("waiting_jobs", 100);
        assertThat(hpa.propose(4, perWorker, new Observation.Total(1000, 4)).replicas()).isEqualTo(10);
        assertThat(hpa.propose(4, perWorker, new Observation.Total(420, 4)).replicas()).as("1.05 of target").isEqualTo(4);
    }

    @Test
    void anUnreadableMetricProposesNothing() {
        Proposal p = hpa.propose(3, MetricTarget.utilization("cpu", 50), new Observation.Unavailable("metrics API down"));
        assertThat(p.valid()).isFalse();
        assertThat(p.note()).isEqualTo("metrics API down");
        assertThat(hpa.propose(3, MetricTarget.utilization("cpu", 50), Observation.PodReadings.of(Map.of("a", 10.0)))
                .note()).contains("utilization needs one");
    }
}
