package io.bulwark.cli.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import io.bulwark.test.db.PrivatePostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Pipelines across a fleet on a private PostgreSQL: three workers and an API node; 30 runs of the
 * {@link StepRecorder} pipeline. The steps of one run are spread over the workers (any worker
 * runs any step), and a kill -9 of one worker mid-run loses nothing: every run completes with the
 * right outputs and no checkpointed step runs again.
 */
class FleetPipelineIT {

    private static final int RUNS = 30;

    @TempDir
    Path nodesDir;

    @TempDir
    Path pgDir;

    @Test
    void stepsSpreadOverTheWorkersAndAKilledWorkerLosesNothing() throws Exception {
        try (PrivatePostgres pg = PrivatePostgres.start(pgDir);
             StepRecorder recorder = new StepRecorder();
             Fleet fleet = new Fleet(nodesDir, List.of("--store.url=" + pg.url(), "--store.user=" + pg.user()))) {
            List<FleetNode> workers = fleet.workers(3, 8, "--jobs.lease=5s");
            fleet.serve("api", "--node.role=api");
            FleetApi api = fleet.api();
            await().atMost(Duration.ofSeconds(10)).until(() -> api.leaderId() != null);
            String leader = api.leaderId();
            FleetNode victim = workers.stream().filter(w -> !w.id().equals(leader)).findFirst().orElseThrow();

            api.post("/api/v1/pipelines", recorder.pipeline());
            List<String> runs = new ArrayList<>();
            for (int r = 0; r < RUNS; r++) {
                runs.add(api.post("/api/v1/pipelines/crash/runs", StepRecorder.runInput(r)).get("id").asText());
            }
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                    .until(() -> recorder.called("fan") >= RUNS * StepRecorder.BRANCHES / 3 && victim.inFlight() > 0);
            victim.kill9();
            System.out.printf("killed %s with %d fan calls done%n", victim, recorder.called("fan"));

            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250)).until(() ->
                    runs.stream().allMatch(id -> PipelineCrashRecoveryIT.state(api, id).equals("completed")));
            recorder.checkRuns(api, runs);

            // Run 0 started while all three workers ran: its steps went wherever a worker was free.
            Set<String> ranOn = new HashSet<>();
            for (JsonNode s : api.get("/api/v1/runs/" + runs.getFirst()).get("steps")) {
                if (s.hasNonNull("jobId")) {
                    for (JsonNode t : api.get("/api/v1/jobs/" + s.get("jobId").asText()).get("history")) {
                        if (t.path("to").asText().equals("running")) {
                            ranOn.add(t.get("node").asText());
                        }
                    }
                }
            }
            assertThat(ranOn).as("the steps of one run ran on several workers").hasSizeGreaterThanOrEqualTo(2);
            System.out.printf("run 0's steps ran on %s; %d step instances ran again after the kill%n", ranOn,
                    recorder.reruns());
        }
    }
}
