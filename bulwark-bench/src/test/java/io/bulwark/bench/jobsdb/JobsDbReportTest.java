package io.bulwark.bench.jobsdb;

import io.bulwark.bench.BenchMain;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Parsing and arithmetic of the jobs-db report only: nothing here touches a database. */
class JobsDbReportTest {

    private static ThroughputResult result(String system, int nodes, double runSeconds) {
        return new ThroughputResult(system, nodes, 10_000, 1.0, runSeconds, "", 1.0, 1.0, new CpuUse(100, 200));
    }

    @Test
    void nodesAreDistinctPositiveCountsInTheOrderGiven() {
        assertThat(JobsDbReport.parseNodes("1,3")).containsExactly(1, 3);
        assertThat(JobsDbReport.parseNodes(" 3, 1,3 ")).containsExactly(3, 1);
        assertThatThrownBy(() -> JobsDbReport.parseNodes("1,x")).hasMessageContaining("'x'");
        assertThatThrownBy(() -> JobsDbReport.parseNodes("0")).hasMessageContaining("from 1 to 16 but one was 0");
    }

    @Test
    void comparesBulwarkWithTheFasterPeerAtTheSameNodeCount() {
        JobsDbReport report = new JobsDbReport();
        report.add(result("bulwark", 1, 2.0));       // 5,000 jobs/s
        report.add(result("db-scheduler", 1, 4.0));  // 2,500 jobs/s
        report.add(result("jobrunr", 1, 10.0));      // 1,000 jobs/s
        report.add(result("jobrunr", 3, 1.0));       // another node count: not compared with 1 node

        assertThat(report.fastestPeer(1)).map(ThroughputResult::system).contains("db-scheduler");
        assertThat(report.peerRatio(1).getAsDouble()).isEqualTo(2.0);
        assertThat(report.peerRatio(3)).isEmpty();
    }

    @Test
    void sharesOfEachCeilingAndTheVerdictsAreInTheTable() {
        JobsDbReport report = new JobsDbReport();
        report.add(result("bulwark", 1, 2.0));       // 5,000 jobs/s
        report.add(result("db-scheduler", 1, 1.0));  // 10,000 jobs/s
        JobsDbReport.Ceiling perJob = new JobsDbReport.Ceiling("per-job", 4_000, "s", 8, 10);
        JobsDbReport.Ceiling batched = new JobsDbReport.Ceiling("batched", 20_000, "s", 8, 10);
        report.ceiling(perJob);
        report.ceiling(batched);
        report.latency(new JobsDbReport.Latency(5000, 0.5, 4.9, 0.6, 7.0));

        assertThat(report.ceilingShare(1, perJob).getAsDouble()).isEqualTo(1.25);
        assertThat(report.ceilingShare(1, batched).getAsDouble()).isEqualTo(0.25);
        assertThat(report.table())
                .contains("Bulwark ÷ faster peer (db-scheduler) = 0.50 (goal >= 2.0: missed)")
                .contains("÷ pgbench per-job = 125% (goal >= 50%: met)")
                .contains("÷ pgbench batched = 25% (goal >= 50%: missed)")
                .contains("p99 4.90 ms (goal p99 < 5 ms: met)");
        assertThat(report.json("m").get("goals").get("1-nodes").get("bulwarkOverFasterPeer").asDouble()).isEqualTo(0.5);
    }

    @Test
    void cpuOfAProcessIsReadFromItsStatLineWhateverItsName() {
        String stat = "4242 (postgres: user db (x)) S 1 2 3 4 5 6 7 8 9 10 150 50 7 3 20 0 1 0";
        assertThat(CpuUse.parse(stat, true)).isEqualTo(150 + 50 + 7 + 3);
        assertThat(CpuUse.parse(stat, false)).isEqualTo(200);
        assertThat(CpuUse.parse("1 (java) S 1 2 3 4 5 6 7 8 9 10 150 50 7 3 20", true)).isZero();
        assertThat(result("bulwark", 1, 1.0).jvmMicrosPerJob()).isEqualTo(100.0);
    }

    @Test
    void readsTheTransactionRateFromPgbenchOutput() {
        String out = """
                number of transactions actually processed: 23610
                latency average = 3.389 ms
                initial connection time = 12.311 ms
                tps = 2361.052201 (without initial connection time)
                """;
        assertThat(PgbenchCeiling.tps(out)).isEqualTo(2361.052201);
        assertThatThrownBy(() -> PgbenchCeiling.tps("pgbench: error")).hasMessageContaining("no tps line");
    }

    @Test
    void defaultsMatchTheDocumentedRun() {
        CommandLine.ParseResult parsed = BenchMain.commandLine().parseArgs("jobs-db");
        JobsDbBenchCommand cmd = (JobsDbBenchCommand) parsed.subcommand().commandSpec().userObject();

        assertThat(cmd.jobs).isEqualTo(100_000);
        assertThat(JobsDbReport.parseNodes(cmd.nodes)).containsExactly(1, 3);
        assertThat(cmd.systems).containsExactly("bulwark", "db-scheduler", "jobrunr", "pgbench", "latency");
        assertThat(cmd.latencyCalls).isEqualTo(5000);
    }
}
