package io.bulwark.bench.fleet;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bulwark.core.json.Json;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Arithmetic and text of the fleet report only: nothing here starts a process or touches a database. */
class FleetReportTest {

    private static DbActivity activity(double seconds, double busyCores, int lockSamples, Map<String, Long> waits) {
        return new DbActivity(seconds, 20_000, 4.0, busyCores, 2, 100, lockSamples, 300, waits);
    }

    private static FleetThroughput run(String system, int nodes, double seconds) {
        return new FleetThroughput(system, nodes, 10_000, 1.0, seconds, 1.0, 9_000, "", 2.0, List.of(0), 1, 1,
                activity(seconds, 1.0, 0, Map.of()));
    }

    private static FailoverResult failover(int run, String role, long declared, long running) {
        return new FailoverResult(run, role, "w" + run, 100, 0, 0, 500, -1, declared, declared, running, "node declared dead");
    }

    @Test
    void growthIsAgainstTheSystemsFewestNodes() {
        FleetReport report = new FleetReport();
        report.add(run("bulwark", 1, 4.0));   // 2,500 jobs/s
        report.add(run("bulwark", 2, 2.0));   // 5,000 jobs/s
        report.add(run("jobrunr", 2, 10.0));  // its only count: 1.0×

        assertThat(report.growth("bulwark", 2)).contains(2.0);
        assertThat(report.growth("jobrunr", 2)).contains(1.0);
        assertThat(report.growth("bulwark", 3)).isEmpty();
    }

    @Test
    void afterTheFirstJobCountsOnlyTheJobsLeftThen() {
        FleetThroughput r = run("bulwark", 1, 4.0);   // first job done at 1 s, 9,000 left then

        assertThat(r.runPerSecond()).isEqualTo(2_500);
        assertThat(r.afterFirstPerSecond()).isEqualTo(3_000);
        assertThat(new FleetThroughput("b", 1, 10, 1, 1.0, 1.0, 0, "", 0, List.of(), 0, 0, activity(1, 0, 0, Map.of()))
                .afterFirstPerSecond()).isNaN();
    }

    @Test
    void medianOfAnEvenCountIsTheMeanOfTheMiddleTwoAndWorstIsTheLargest() {
        FleetReport report = new FleetReport();
        report.add(failover(1, FailoverRun.FOLLOWER, 2_000, 2_300));
        report.add(failover(2, FailoverRun.LEADER, 3_900, 4_100));
        report.add(failover(3, FailoverRun.FOLLOWER, 2_400, 2_500));
        report.add(failover(4, FailoverRun.LEADER, 3_500, 3_700));

        FleetReport.Spread all = report.spread(null, FailoverResult::lastRunningMs).orElseThrow();
        assertThat(all.runs()).isEqualTo(4);
        assertThat(all.median()).isEqualTo((2_500 + 3_700) / 2.0);
        assertThat(all.worst()).isEqualTo(4_100);
        assertThat(report.spread(FailoverRun.FOLLOWER, FailoverResult::declaredMs).orElseThrow().median()).isEqualTo(2_200);
        assertThat(report.spread(FailoverRun.LEADER, FailoverResult::declaredMs).orElseThrow().worst()).isEqualTo(3_900);
    }

    @Test
    void theLimitNamesWhoUsedTheMachineThenLocksThenTheWal() {
        FleetThroughput busy = new FleetThroughput("b", 1, 10_000, 1, 10, 1, 9_000, "", 5, List.of(0), 0, 0,
                activity(10, 1.9, 0, Map.of()));
        assertThat(busy.limit()).isEqualTo("machine CPU: PostgreSQL 0.4, nodes 0.5, rest 1.0 of 2 cores");
        FleetThroughput locked = new FleetThroughput("b", 1, 10_000, 1, 10, 1, 9_000, "", 5, List.of(0), 0, 0,
                activity(10, 1.0, 60, Map.of("Lock:transactionid", 80L)));
        assertThat(locked.limit()).isEqualTo("lock waits");
        FleetThroughput wal = new FleetThroughput("b", 1, 10_000, 1, 10, 1, 9_000, "", 5, List.of(0), 0, 0,
                activity(10, 1.0, 0, Map.of("IO:WALSync", 40L, "LWLock:WALWrite", 30L)));
        assertThat(wal.limit()).isEqualTo("commit flushes (WAL)");
        assertThat(run("b", 1, 10).limit()).isEqualTo("not the database");
    }

    @Test
    void tableAndJsonCarryEveryRunAndTheSummary() {
        FleetReport report = new FleetReport();
        report.add(run("bulwark", 1, 4.0));
        report.failoverSettings(Duration.ofSeconds(1), 3);
        report.add(failover(1, FailoverRun.FOLLOWER, 2_000, 2_300));
        report.add(failover(2, FailoverRun.LEADER, 3_900, 4_100));

        assertThat(report.table()).contains("bulwark           1    2,500")
                .contains("cluster.heartbeat 1000 ms, cluster.deadAfter 3")
                .contains("all              (2 runs): kill → declared median 2950 ms, worst 3900 ms")
                .contains("leader killed    (1 runs)");
        ObjectNode json = report.json("machine", "pg", Json.mapper().createObjectNode());
        assertThat(json.at("/throughput/0/runPerSecond").asDouble()).isEqualTo(2_500);
        assertThat(json.at("/failover/summary/all/runningElsewhereWorstMs").asLong()).isEqualTo(4_100);
        assertThat(json.at("/failover/runs/1/killed").asText()).isEqualTo("leader");
    }
}
