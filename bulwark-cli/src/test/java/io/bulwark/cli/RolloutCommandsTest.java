package io.bulwark.cli;

import io.bulwark.server.BulwarkServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code bulwark rollout ...} against a server whose load-balancer group {@code users} (blue and
 * green) is moved by the in-process {@code bulwark} driver.
 */
class RolloutCommandsTest {

    static final Map<String, String> FLAGS = Map.of(
            "lb.groups.users.endpoints", "http://127.0.0.1:9001;id=blue, http://127.0.0.1:9002;id=green",
            "lb.groups.users.strategy", "weighted-round-robin",
            "rollouts.interval", "50ms");

    /** A canary whose analysis measures four times, a second apart: long enough to pause it in between. */
    static final String CANARY = """
            name: users
            driver: {type: bulwark, group: users, stable: blue, canary: green}
            strategy:
              canary:
                steps:
                  - setWeight: 20
                  - analysis:
                      metrics:
                        - name: healthy
                          provider: {bulwark: {query: 'bulwark_lb_endpoint_healthy{group="users"}'}}
                          successCondition: result >= 1
                          interval: 1s
                          count: 4
                  - setWeight: 100
            """;

    @TempDir
    Path dir;

    @Test
    void startsShowsPausesResumesAndWatchesToHealthy() throws IOException {
        Path file = Files.writeString(dir.resolve("users.yaml"), CANARY);
        try (BulwarkServer server = BulwarkServer.builder(CliServers.config(dir, FLAGS)).build().start()) {
            String url = server.uri().toString();
            CliRun start = CliRun.run("rollout", "start", file.toString(), "--url", url);
            assertThat(start.exit()).as(start.err()).isZero();
            assertThat(start.out()).contains("rollout users (canary, attempt 1): PROGRESSING, weight 20%")
                    .contains("→ 1. ");

            CliRun table = CliRun.run("rollout", "status", "--url", url);
            assertThat(table.exit()).as(table.err()).isZero();
            assertThat(table.out()).containsPattern("users\\s+canary\\s+PROGRESSING\\s+1/3\\s+20%");

            CliRun paused = CliRun.run("rollout", "pause", "users", "--url", url);
            assertThat(paused.exit()).as(paused.err()).isZero();
            assertThat(paused.out()).contains("PAUSED (user), weight 20%");
            CliRun again = CliRun.run("rollout", "pause", "users", "--url", url);
            assertThat(again.exit()).as("pausing a paused rollout is a conflict").isEqualTo(1);
            assertThat(again.err()).contains("409").contains("PAUSED");

            // The watch follows the rollout from its pause to the end; the test resumes it meanwhile.
            java.util.concurrent.CompletableFuture<CliRun> watching = java.util.concurrent.CompletableFuture.supplyAsync(() ->
                    CliRun.run("rollout", "watch", "users", "--url", url, "--interval", "100ms", "--max-wait", "20s"));
            CliRun resumed = CliRun.run("rollout", "resume", "users", "--url", url, "-o", "json");
            assertThat(resumed.exit()).as(resumed.err()).isZero();
            assertThat(resumed.out()).contains("\"phase\" : \"PROGRESSING\"");

            CliRun watch = watching.join();
            assertThat(watch.exit()).as(watch.out() + watch.err()).isZero();
            assertThat(watch.out()).as("one line per change, not a terminal").contains("PROGRESSING step 1")
                    .contains("healthy=2 SUCCESSFUL").containsPattern("HEALTHY done, weight 100%");

            CliRun shown = CliRun.run("rollout", "status", "users", "--url", url);
            assertThat(shown.out()).contains("HEALTHY, weight 100%").contains("✓ 0. setWeight 20").contains("✓ done")
                    .contains("healthy: SUCCESSFUL, 4 successful, 0 failed").containsPattern("  [0-9T:.-]+Z  2  SUCCESSFUL");
            CliRun json = CliRun.run("rollout", "status", "users", "--url", url, "-o", "json");
            assertThat(json.out()).contains("\"weight\" : 100").contains("\"analysisRuns\"");
        }
    }

    @Test
    void promoteAbortAndWatchOfADegradedRollout() throws IOException {
        Path file = Files.writeString(dir.resolve("users.json"), """
                {"name": "users", "driver": {"type": "bulwark", "group": "users", "stable": "blue", "canary": "green"},
                 "strategy": {"canary": {"steps": [{"setWeight": 30}, {"pause": {}}, {"setWeight": 100}]}}}""");
        try (BulwarkServer server = BulwarkServer.builder(CliServers.config(dir, FLAGS)).build().start()) {
            String url = server.uri().toString();
            CliRun start = CliRun.run("rollout", "start", file.toString(), "--url", url, "-o", "json");
            assertThat(start.exit()).as(start.err()).isZero();
            assertThat(start.out()).contains("\"phase\" : \"PAUSED\"").contains("\"weight\" : 30");

            CliRun promoted = CliRun.run("rollout", "promote", "users", "--url", url);
            assertThat(promoted.exit()).as(promoted.err()).isZero();
            assertThat(promoted.out()).contains("HEALTHY, weight 100%");

            CliRun aborted = CliRun.run("rollout", "abort", "users", "--url", url, "--reason", "pager went off");
            assertThat(aborted.exit()).as(aborted.err()).isZero();
            assertThat(aborted.out()).contains("DEGRADED, weight 0%");

            CliRun watch = CliRun.run("rollout", "watch", "users", "--url", url, "--interval", "100ms");
            assertThat(watch.exit()).isEqualTo(1);
            assertThat(watch.err()).contains("rollout users is Degraded");

            CliRun retried = CliRun.run("rollout", "retry", "users", "--url", url);
            assertThat(retried.exit()).as(retried.err()).isZero();
            assertThat(retried.out()).contains("attempt 2").contains("weight 30%");
        }
    }

    @Test
    void badFilesAndNamesExitTwoOrOneNamingTheProblem() throws IOException {
        try (BulwarkServer server = BulwarkServer.builder(CliServers.config(dir, FLAGS)).build().start()) {
            String url = server.uri().toString();
            Path bad = Files.writeString(dir.resolve("bad.yaml"), CANARY.replace("setWeight: 20", "setWeight: 150"));
            CliRun r = CliRun.run("rollout", "start", bad.toString(), "--url", url);
            assertThat(r.exit()).isEqualTo(2);
            assertThat(r.err()).contains("strategy.canary.steps[0].setWeight");

            Path broken = Files.writeString(dir.resolve("broken.yaml"), "name: [users\n");
            r = CliRun.run("rollout", "start", broken.toString(), "--url", url);
            assertThat(r.exit()).isEqualTo(2);
            assertThat(r.err()).contains("broken.yaml is not YAML or JSON");

            Path list = Files.writeString(dir.resolve("list.yaml"), "- a\n- b\n");
            r = CliRun.run("rollout", "start", list.toString(), "--url", url);
            assertThat(r.exit()).isEqualTo(2);
            assertThat(r.err()).contains("must hold one rollout definition").contains("ARRAY");

            r = CliRun.run("rollout", "start", dir.resolve("missing.yaml").toString(), "--url", url);
            assertThat(r.exit()).isEqualTo(2);
            assertThat(r.err()).contains("missing.yaml cannot be read");

            r = CliRun.run("rollout", "watch", "users", "--url", url, "--interval", "soon");
            assertThat(r.exit()).isEqualTo(2);
            assertThat(r.err()).contains("--interval must be");

            r = CliRun.run("rollout", "status", "nope", "--url", url);
            assertThat(r.exit()).isEqualTo(1);
            assertThat(r.err()).contains("404").contains("no rollout 'nope'");
            assertThat(CliRun.run("rollout", "status", "--url", url).out()).contains("no rollouts");
        }
    }
}
