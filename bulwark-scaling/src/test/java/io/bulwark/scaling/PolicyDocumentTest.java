package io.bulwark.scaling;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PolicyDocumentTest {

    @Test
    void readsAFullDocumentAndWritesItBackTheSame() {
        Map<String, Object> doc = Map.of("minReplicas", 2, "maxReplicas", 12, "waitingJobsPerWorker", 25,
                "tolerance", 0.05, "behavior", Map.of(
                        "scaleUp", Map.of("stabilizationWindow", "30s", "selectPolicy", "Min",
                                "policies", List.of(Map.of("type", "Pods", "value", 2, "period", "1m"))),
                        "scaleDown", Map.of("stabilizationWindow", "10m", "selectPolicy", "Disabled", "policies", List.of())));
        AutoscalerPolicy p = PolicyDocument.read(doc);
        assertThat(p.minReplicas()).isEqualTo(2);
        assertThat(p.maxReplicas()).isEqualTo(12);
        assertThat(p.targets()).containsExactly(MetricTarget.averageValue(PolicyDocument.WAITING_JOBS, 25));
        assertThat(p.tolerance()).isEqualTo(0.05);
        assertThat(p.scaleUp()).isEqualTo(new ScalingRules(Duration.ofSeconds(30), ScalingRules.Select.MIN,
                List.of(ScalingPolicy.pods(2, Duration.ofMinutes(1)))));
        assertThat(p.scaleDown().select()).isEqualTo(ScalingRules.Select.DISABLED);
        assertThat(PolicyDocument.read(PolicyDocument.write(p))).isEqualTo(p);
    }

    @Test
    void leavesOutBehaviorAndToleranceForTheHpasDefaults() {
        AutoscalerPolicy p = PolicyDocument.read(Map.of("minReplicas", 1, "maxReplicas", 5, "waitingJobsPerWorker", 10));
        assertThat(p.tolerance()).isEqualTo(0.1);
        assertThat(p.scaleUp()).isEqualTo(ScalingRules.defaultScaleUp());
        assertThat(p.scaleDown()).isEqualTo(ScalingRules.defaultScaleDown());
    }

    @Test
    void namesEveryFieldAtFaultAtOnce() {
        Map<String, Object> doc = Map.of("minReplicas", 5, "maxReplicas", 2, "waitingJobsPerWorker", "ten", "speed", 1,
                "behavior", Map.of("scaleUp", Map.of("selectPolicy", "Fastest",
                        "policies", List.of(Map.of("type", "Nodes", "value", 0, "period", "2h")))));
        assertThatThrownBy(() -> PolicyDocument.read(doc)).isInstanceOfSatisfying(PolicyDocument.InvalidPolicyException.class,
                e -> assertThat(e.problems()).extracting(PolicyDocument.Problem::field).containsExactlyInAnyOrder(
                        "speed", "waitingJobsPerWorker", "maxReplicas", "behavior.scaleUp.selectPolicy",
                        "behavior.scaleUp.policies[0].type", "behavior.scaleUp.policies[0].value",
                        "behavior.scaleUp.policies[0].period"));
        assertThatThrownBy(() -> PolicyDocument.read(Map.of("minReplicas", 1.5, "maxReplicas", 3)))
                .hasMessageContaining("minReplicas must be an integer from 0 to 10000 but was 1.5")
                .hasMessageContaining("waitingJobsPerWorker is required");
        assertThatThrownBy(() -> PolicyDocument.read(List.of())).hasMessageContaining("(document) must be an object");
    }

    @Test
    void cpuAndMemoryTargetsAreUtilizationsAndOneTargetIsNeeded() {
        AutoscalerPolicy p = PolicyDocument.read(Map.of("minReplicas", 1, "maxReplicas", 5, "cpuPercent", 70,
                "memoryPercent", 80));
        assertThat(p.targets()).containsExactly(MetricTarget.utilization(PolicyDocument.CPU, 70),
                MetricTarget.utilization(PolicyDocument.MEMORY, 80));
        assertThat(PolicyDocument.write(p)).containsEntry("cpuPercent", 70.0).doesNotContainKey("waitingJobsPerWorker");
        assertThat(PolicyDocument.read(PolicyDocument.write(p))).isEqualTo(p);
        assertThatThrownBy(() -> PolicyDocument.read(Map.of("minReplicas", 1, "maxReplicas", 5)))
                .hasMessageContaining("waitingJobsPerWorker is required unless cpuPercent, memoryPercent, requestsPerSecond, "
                        + "errorPercent, queueLagSeconds or a queue's target is set");
        AutoscalerPolicy lag = PolicyDocument.read(Map.of("minReplicas", 1, "maxReplicas", 5, "queueLagSeconds", 30));
        assertThat(lag.targets()).containsExactly(MetricTarget.value(PolicyDocument.QUEUE_LAG, 30));
        assertThat(PolicyDocument.write(lag)).containsEntry("queueLagSeconds", 30.0);
        assertThat(PolicyDocument.read(PolicyDocument.write(lag))).isEqualTo(lag);
        assertThatThrownBy(() -> PolicyDocument.read(Map.of("minReplicas", 1, "maxReplicas", 5, "queueLagSeconds", 0)))
                .hasMessageContaining("queueLagSeconds must be a number from 0.001");

        // Targets of one queue each.
        AutoscalerPolicy perQueue = PolicyDocument.read(Map.of("minReplicas", 1, "maxReplicas", 5, "perQueue", Map.of(
                "mail", Map.of("waitingJobsPerWorker", 100, "queueLagSeconds", 60), "etl", Map.of("queueLagSeconds", 600))));
        assertThat(perQueue.targets()).containsExactly(MetricTarget.value("queue_lag_seconds:etl", 600),
                MetricTarget.averageValue("waiting_jobs:mail", 100), MetricTarget.value("queue_lag_seconds:mail", 60));
        assertThat(PolicyDocument.write(perQueue)).containsEntry("perQueue", Map.of("etl", Map.of("queueLagSeconds", 600.0),
                "mail", Map.of("waitingJobsPerWorker", 100.0, "queueLagSeconds", 60.0)));
        assertThat(PolicyDocument.read(PolicyDocument.write(perQueue))).isEqualTo(perQueue);
        assertThatThrownBy(() -> PolicyDocument.read(Map.of("minReplicas", 1, "maxReplicas", 5, "perQueue", Map.of(
                "mail", Map.of("waitingJobsPerWorker", -1, "lag", 3), "bad name!", Map.of("queueLagSeconds", 1),
                "empty", Map.of()))))
                .hasMessageContaining("perQueue.mail.waitingJobsPerWorker must be a number from 0.001")
                .hasMessageContaining("perQueue.mail.lag is not a policy field")
                .hasMessageContaining("perQueue.bad name! is not a queue name")
                .hasMessageContaining("perQueue.empty must be an object with waitingJobsPerWorker and/or queueLagSeconds");
        assertThatThrownBy(() -> PolicyDocument.read(Map.of("minReplicas", 1, "maxReplicas", 5, "perQueue", List.of())))
                .hasMessageContaining("perQueue must be an object of queue names");
        assertThatThrownBy(() -> PolicyDocument.read(Map.of("minReplicas", 1, "maxReplicas", 5, "cpuPercent", 0)))
                .hasMessageContaining("cpuPercent must be a number from 0.1 to 1000.0 but was 0");
    }

    @Test
    void requestRateIsAnAverageValueAndErrorPercentAValue() {
        AutoscalerPolicy p = PolicyDocument.read(Map.of("minReplicas", 1, "maxReplicas", 5, "requestsPerSecond", 200,
                "errorPercent", 5));
        assertThat(p.targets()).containsExactly(MetricTarget.averageValue(PolicyDocument.REQUESTS, 200),
                MetricTarget.value(PolicyDocument.ERRORS, 5));
        assertThat(PolicyDocument.write(p)).containsEntry("requestsPerSecond", 200.0).containsEntry("errorPercent", 5.0);
        assertThat(PolicyDocument.read(PolicyDocument.write(p))).isEqualTo(p);
        assertThatThrownBy(() -> PolicyDocument.read(Map.of("minReplicas", 1, "maxReplicas", 5, "errorPercent", 120)))
                .hasMessageContaining("errorPercent must be a number from 0.01 to 100.0 but was 120");
    }
}
