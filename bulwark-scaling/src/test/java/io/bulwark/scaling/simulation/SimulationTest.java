package io.bulwark.scaling.simulation;

import io.bulwark.scaling.AutoscalerPolicy;
import io.bulwark.scaling.PolicyDocument;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SimulationTest {

    private static final AutoscalerPolicy POLICY = PolicyDocument.read(Map.of("minReplicas", 1, "maxReplicas", 10,
            "waitingJobsPerWorker", 10));

    @Test
    void readsSecondsAndDurationsWithAHeaderAndComments() {
        LoadTrace t = LoadTrace.parseCsv("time,load\n# quiet start\n0,1\n1m,20\n90.5,0\n\n5m,0\n");
        assertThat(t.points()).hasSize(4);
        assertThat(t.length()).isEqualTo(Duration.ofMinutes(5));
        assertThat(t.loadAt(Duration.ofSeconds(59))).isEqualTo(1);
        assertThat(t.loadAt(Duration.ofSeconds(60))).isEqualTo(20);
        assertThat(t.loadAt(Duration.ofSeconds(91))).isEqualTo(0);
    }

    @Test
    void refusesABadTraceNamingTheLine() {
        assertThatThrownBy(() -> LoadTrace.parseCsv("time,load\n0,1\n10,-2\n")).hasMessage(
                "line 3: load must be >= 0 jobs per second but was -2");
        assertThatThrownBy(() -> LoadTrace.parseCsv("0,1\n10,2\n5,2\n")).hasMessageStartingWith("line 3: times must increase");
        assertThatThrownBy(() -> LoadTrace.parseCsv("0,1\nsoon,2\n")).hasMessageStartingWith("line 2: time must be seconds");
        assertThatThrownBy(() -> LoadTrace.parseCsv("0,1,2\n")).hasMessageStartingWith("line 1: expected two columns");
        assertThatThrownBy(() -> LoadTrace.parseCsv("time,load\n0,1\n")).hasMessageContaining("at least two rows");
    }

    @Test
    void aSpikeIsAbsorbedByScalingUpAndTheFleetShrinksAfterTheDownWindow() {
        // 2 jobs/s for a minute, 40 jobs/s for five, then 2 again for fifteen; a worker does 5 jobs/s.
        LoadTrace trace = LoadTrace.parseCsv("0,2\n60,40\n360,2\n1260,2\n");
        Simulation.Result r = Simulation.run(POLICY, trace, new CapacityModel(5, Duration.ofSeconds(20),
                Duration.ofSeconds(15), 1));

        Simulation.Summary s = r.summary();
        assertThat(s.jobsArrived()).isEqualTo(60 * 2 + 300 * 40 + 900 * 2);
        assertThat(s.jobsDone()).as("everything is done by the end").isEqualTo(s.jobsArrived());
        assertThat(s.mostReplicas()).as("40 jobs/s needs 8 workers of 5; the backlog pushes to the max").isBetween(8, 10);
        assertThat(r.samples().get(300).ready()).as("in the spike's steady state").isGreaterThanOrEqualTo(8);
        assertThat(r.samples().get(300).backlog()).as("the spike's backlog is worked off within it").isLessThan(10 * 10);
        assertThat(s.peakBacklog()).isGreaterThan(100);
        assertThat(r.samples().get(400).requested()).as("40 s after the spike: the 5-minute down window holds")
                .isEqualTo(r.samples().get(359).requested());
        assertThat(r.samples().getLast().requested()).as("15 minutes later it has shrunk to the minimum").isEqualTo(1);
        assertThat(s.scaleUps()).isGreaterThanOrEqualTo(1);
        assertThat(s.scaleDowns()).isGreaterThanOrEqualTo(1);
        assertThat(r.decisions()).hasSize(1260 / 15);
    }

    @Test
    void aLongerStartupMeansALongerWait() {
        LoadTrace trace = LoadTrace.parseCsv("0,2\n60,40\n360,2\n600,2\n");
        double fast = Simulation.run(POLICY, trace, new CapacityModel(5, Duration.ZERO, Duration.ofSeconds(15), 1))
                .summary().longestWaitSeconds();
        double slow = Simulation.run(POLICY, trace, new CapacityModel(5, Duration.ofMinutes(2), Duration.ofSeconds(15), 1))
                .summary().longestWaitSeconds();
        assertThat(slow).isGreaterThan(fast * 2);
    }

    @Test
    void noWorkersAndWaitingJobsIsAnEndlessWait() {
        AutoscalerPolicy pinned = PolicyDocument.read(Map.of("minReplicas", 0, "maxReplicas", 1, "waitingJobsPerWorker", 10,
                "behavior", Map.of("scaleUp", Map.of("selectPolicy", "Disabled", "policies", java.util.List.of()))));
        Simulation.Result r = Simulation.run(pinned, LoadTrace.parseCsv("0,1\n30,1\n"),
                new CapacityModel(5, Duration.ZERO, Duration.ofSeconds(15), 0));
        assertThat(r.summary().jobsDone()).isZero();
        assertThat(r.summary().longestWaitSeconds()).isInfinite();
        assertThat(r.summary().peakBacklog()).isEqualTo(30);
    }

    @Test
    void aQueueLagTargetScalesUntilTheBacklogWaitsNoLongerThanIt() {
        AutoscalerPolicy lag = PolicyDocument.read(Map.of("minReplicas", 1, "maxReplicas", 20, "queueLagSeconds", 10));
        // 2 jobs/s, then 30 jobs/s for ten minutes; a worker does 5 jobs/s.
        Simulation.Result r = Simulation.run(lag, LoadTrace.parseCsv("0,2\n60,30\n660,30\n"),
                new CapacityModel(5, Duration.ofSeconds(20), Duration.ofSeconds(15), 1));
        assertThat(r.samples().get(50).requested()).as("no backlog, no lag: the minimum").isEqualTo(1);
        assertThat(r.summary().mostReplicas()).as("30 jobs/s needs 6 workers of 5; the lag drives it there")
                .isGreaterThanOrEqualTo(6);
        assertThat(r.samples().getLast().waitSeconds()).as("by the end the backlog waits under the target")
                .isLessThanOrEqualTo(10);
    }

    @Test
    void aCpuTargetSettlesWhereTheWorkersAreAsBusyAsItSays() {
        AutoscalerPolicy cpu = PolicyDocument.read(Map.of("minReplicas", 1, "maxReplicas", 20, "cpuPercent", 70));
        // 20 jobs/s, 5 per worker: 4 workers would be 100% busy; at 70% it takes 6 (67%).
        Simulation.Result r = Simulation.run(cpu, LoadTrace.parseCsv("0,20\n1200,20\n"),
                new CapacityModel(5, Duration.ofSeconds(20), Duration.ofSeconds(15), 1));
        assertThat(r.samples().getLast().requested()).isBetween(6, 7);
        assertThat(r.summary().jobsDone()).isEqualTo(r.summary().jobsArrived());

        AutoscalerPolicy perQueue = PolicyDocument.read(Map.of("minReplicas", 1, "maxReplicas", 20, "perQueue",
                Map.of("mail", Map.of("waitingJobsPerWorker", 10))));
        assertThatThrownBy(() -> Simulation.run(perQueue, LoadTrace.parseCsv("0,1\n10,1\n"),
                new CapacityModel(5, Duration.ZERO, Duration.ofSeconds(15), 1))).hasMessageContaining("perQueue targets "
                + "cannot be simulated");

        AutoscalerPolicy memory = PolicyDocument.read(Map.of("minReplicas", 1, "maxReplicas", 20, "memoryPercent", 70));
        assertThatThrownBy(() -> Simulation.run(memory, LoadTrace.parseCsv("0,1\n10,1\n"),
                new CapacityModel(5, Duration.ZERO, Duration.ofSeconds(15), 1))).hasMessageContaining("memoryPercent cannot be simulated");
    }
}
