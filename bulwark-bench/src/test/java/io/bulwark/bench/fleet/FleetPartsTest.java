package io.bulwark.bench.fleet;

import io.bulwark.bench.BenchMain;
import io.bulwark.bench.jobsdb.DbSchedulerRun;
import io.bulwark.bench.jobsdb.JobRunrRun;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The fleet command's parts that need no process and no database. */
class FleetPartsTest {

    @Test
    void peerSettingsSurviveTheTripThroughTheCommandLine() {
        DbSchedulerRun dbs = new DbSchedulerRun(20, 4.0, 20.0, Duration.ofMillis(100));
        JobRunrRun jobRunr = new JobRunrRun(32, 34, Duration.ofSeconds(5));

        assertThat(PeerNode.dbScheduler(PeerNode.args(dbs, "jdbc:x", "u", "n1"))).isEqualTo(dbs);
        assertThat(PeerNode.jobRunr(PeerNode.args(jobRunr, "jdbc:x", "u", "n1"))).isEqualTo(jobRunr);
        assertThatThrownBy(() -> PeerNode.jobRunr(List.of("jobrunr", "jdbc:x"))).hasMessageContaining("takes 7 arguments but had 2");
    }

    @Test
    void readsAProcessStatLineWhoseNameHoldsSpacesAndParentheses() {
        String line = "4242 (postgres: a (b) c) S 2199 2199 2199 0 -1 4194560 500 0 0 0 120 30 7 3 20 0 1 0 100 0 0";

        PostgresCpu.Stat s = PostgresCpu.parse(line);
        assertThat(s.pid()).isEqualTo(4242);
        assertThat(s.ppid()).isEqualTo(2199);
        assertThat(s.own()).isEqualTo(150);
        assertThat(s.children()).isEqualTo(10);
    }

    @Test
    void nodesAreDistinctCountsFromOneToEight() {
        assertThat(FleetBenchCommand.parseNodes("1,2,3,2")).containsExactly(1, 2, 3);
        assertThatThrownBy(() -> FleetBenchCommand.parseNodes("1,x")).hasMessageContaining("'x'");
        assertThatThrownBy(() -> FleetBenchCommand.parseNodes("9")).hasMessageContaining("from 1 to 8 but one was 9");
    }

    @Test
    void badOptionsAreAllReportedAndExitTwo() {
        CommandLine cl = BenchMain.commandLine();
        java.io.StringWriter err = new java.io.StringWriter();
        cl.setErr(new java.io.PrintWriter(err));

        int code = cl.execute("fleet", "--systems", "bulwark,sidekiq", "--kill", "both", "--dead-after", "1",
                "--jar", "/nonexistent/bulwark.jar");

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("'sidekiq'").contains("--kill takes alternate, leader, follower but had 'both'")
                .contains("--dead-after must be from 2 to 100").contains("/nonexistent/bulwark.jar does not exist");
    }
}
