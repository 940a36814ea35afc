package io.bulwark.cli.fleet;

import io.bulwark.cli.ChildJvm;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.awaitility.Awaitility.await;

/**
 * kill -9 of {@code bulwark serve} on the embedded store in the middle of 50 runs of a six-step
 * pipeline with a fan-out of 20 branches and a fan-in ({@link StepRecorder}), then a restart on the
 * same data directory: every run completes with the outputs a crash-free run gives, and no step
 * that had completed runs again.
 */
class PipelineCrashRecoveryIT {

    private static final int RUNS = 50;

    @TempDir
    Path dataDir;

    private final List<FleetNode> nodes = new ArrayList<>();

    @AfterEach
    void stop() {
        nodes.forEach(FleetNode::destroy);
    }

    private FleetNode serve() throws IOException {
        List<String> cmd = ChildJvm.bulwark("serve", "--port", "0",
                "--data-dir", dataDir.toString(), "--log.access=false", "--jobs.lease=5s", "--jobs.pollInterval=50ms",
                "--jobs.queues.pipelines.concurrency=16");
        FleetNode node = FleetNode.launch("serve", FleetNode.Kind.SERVE, dataDir, cmd).awaitReady(Duration.ofSeconds(90));
        nodes.add(node);
        return node;
    }

    @Test
    void everyRunCompletesWithItsOutputsAndNoCompletedStepRunsAgainAfterKill9AndRestart() throws Exception {
        try (StepRecorder recorder = new StepRecorder()) {
            FleetNode first = serve();
            FleetApi api = new FleetApi(first.url());
            api.post("/api/v1/pipelines", recorder.pipeline());
            List<String> runs = new ArrayList<>();
            for (int r = 0; r < RUNS; r++) {
                runs.add(api.post("/api/v1/pipelines/crash/runs", StepRecorder.runInput(r)).get("id").asText());
            }
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                    .until(() -> recorder.called("fan") >= RUNS * StepRecorder.BRANCHES / 3);
            first.kill9();
            System.out.printf("killed with %d fan calls and %d reports done%n", recorder.called("fan"),
                    recorder.called("report"));

            FleetApi again = new FleetApi(serve().url());
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250)).until(() ->
                    runs.stream().allMatch(id -> state(again, id).equals("completed")));
            recorder.checkRuns(again, runs);
            System.out.printf("%d step instances ran more than once (in flight at the kill)%n", recorder.reruns());
        }
    }

    static String state(FleetApi api, String run) {
        try {
            return api.get("/api/v1/runs/" + run).get("state").asText();
        } catch (Exception e) {
            return "unknown";
        }
    }
}
