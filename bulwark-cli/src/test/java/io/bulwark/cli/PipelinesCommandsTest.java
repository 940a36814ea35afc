package io.bulwark.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.bulwark.core.json.Json;
import io.bulwark.server.BulwarkServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code bulwark pipelines ...} and {@code bulwark runs ...} against a real server running its own worker. */
class PipelinesCommandsTest {

    private static final String ETL = """
            {"id": "etl", "steps": [{"id": "extract", "type": "builtin.echo", "input": {"rows": "${input.rows}"}},
             {"id": "load", "type": "builtin.noop", "after": ["extract"]}]}""";

    @TempDir
    Path dir;

    private BulwarkServer server;
    private Map<String, String> env;

    @BeforeEach
    void start() {
        server = BulwarkServer.builder(CliServers.config(dir, Map.of("jobs.pollInterval", "50ms", "server.shutdown.grace", "1s")))
                .configuredStore().build().start();
        env = Map.of("BULWARK_URL", server.uri().toString());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private Path file(String name, String text) throws Exception {
        Path f = dir.resolve(name);
        Files.writeString(f, text);
        return f;
    }

    @Test
    void aPipelineIsRegisteredListedShownAndItsRunStartedWatchedAndShown() throws Exception {
        Path etl = file("etl.json", ETL);
        CliRun registered = CliRun.run(env, "pipelines", "register", etl.toString());
        assertThat(registered.exit()).as(registered.err()).isZero();
        assertThat(registered.out()).contains("Registered pipeline etl version 1 (2 steps)");
        assertThat(CliRun.run(env, "pipelines", "register", etl.toString()).out())
                .contains("Pipeline etl is unchanged: still version 1");

        CliRun list = CliRun.run(env, "pipelines", "list");
        assertThat(list.out()).contains("ID").contains("VERSION").containsPattern("etl\\s+1\\s+2\\s+20");
        CliRun show = CliRun.run(env, "pipelines", "show", "etl");
        assertThat(show.exit()).as(show.err()).isZero();
        assertThat(show.out()).contains("pipeline      etl").containsPattern("extract\\s+builtin.echo")
                .containsPattern("load\\s+builtin.noop\\s+extract").contains("Versions:");
        assertThat(CliRun.run(env, "pipelines", "show", "etl", "--version", "1").out()).contains("version       1");
        CliRun noVersion = CliRun.run(env, "pipelines", "show", "etl", "--version", "7");
        assertThat(noVersion.exit()).isEqualTo(1);
        assertThat(noVersion.err()).contains("no version 7");

        CliRun started = CliRun.run(env, "runs", "start", "etl", "--input", "{\"rows\": [1, 2]}", "-o", "json");
        assertThat(started.exit()).as(started.err()).isZero();
        String id = Json.mapper().readTree(started.out()).get("id").asText();

        CliRun watched = CliRun.run(env, "runs", "watch", id, "--interval", "100ms");
        assertThat(watched.exit()).as(watched.err()).isZero();
        assertThat(watched.out()).contains("Watching run " + id + " of etl v1").contains("extract  completed  1 attempt")
                .contains("load  completed  1 attempt").contains("run completed");

        CliRun shown = CliRun.run(env, "runs", "show", id);
        assertThat(shown.out()).startsWith("run " + id + " etl v1  completed").contains("├─ extract  completed  1 attempt")
                .contains("└─ load     completed  1 attempt");
        JsonNode json = Json.mapper().readTree(CliRun.run(env, "runs", "show", id, "-o", "json").out());
        assertThat(json.get("steps").get(0).get("output").get("rows").toString()).isEqualTo("[1,2]");

        CliRun runs = CliRun.run(env, "runs", "list", "--pipeline", "etl", "--state", "completed");
        assertThat(runs.exit()).as(runs.err()).isZero();
        assertThat(runs.out()).contains("PIPELINE").contains(id).contains("etl v1").contains("completed");
        assertThat(CliRun.run(env, "runs", "list", "--state", "failed").out()).doesNotContain(id);
    }

    @Test
    void yamlIsReadByExtensionOrContentAndEveryProblemIsPrintedWithItsStepAndField() throws Exception {
        String yaml = """
                id: from-yaml
                steps:
                  - id: only
                    type: builtin.echo
                """;
        assertThat(CliRun.run(env, "pipelines", "register", file("p.yml", yaml).toString()).out())
                .contains("Registered pipeline from-yaml version 1");
        assertThat(CliRun.run(env, "pipelines", "validate", file("p-no-extension", yaml).toString()).out())
                .contains("is a valid pipeline definition");

        Path bad = file("bad.yaml", """
                id: bad
                steps:
                  - id: a
                    type: sendmail
                  - id: b
                    type: builtin.echo
                    after: [zz]
                    retires: 3
                """);
        CliRun validated = CliRun.run(env, "pipelines", "validate", bad.toString());
        assertThat(validated.exit()).isEqualTo(2);
        assertThat(validated.err()).contains(bad + " has 4 problems:")
                .contains("steps[0].type (step 'a'): unknown step type 'sendmail'")
                .contains("steps[1].after[0] (step 'b'): waits for step 'zz', which does not exist").contains("steps[1].retires (step 'b')");
        CliRun refused = CliRun.run(env, "pipelines", "register", bad.toString());
        assertThat(refused.exit()).isEqualTo(2);
        assertThat(refused.err()).contains(bad.toString()).contains("failed (400)").contains("nothing was registered")
                .contains("  - steps[0].type: step 'a': unknown step type 'sendmail'");
        assertThat(CliRun.run(env, "pipelines", "list").out()).doesNotContain("bad");

        CliRun missing = CliRun.run(env, "pipelines", "register", dir.resolve("nope.json").toString());
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).contains("does not exist");
        assertThat(CliRun.run(env, "pipelines", "register").exit()).as("no FILE").isEqualTo(2);
    }

    @Test
    void startOptionsAreCheckedAndAnIdempotencyKeyReturnsTheFirstRun() throws Exception {
        CliRun.run(env, "pipelines", "register", file("etl.json", ETL).toString());
        CliRun both = CliRun.run(env, "runs", "start", "etl", "--input", "{}", "--input-file", "x.json");
        assertThat(both.exit()).isEqualTo(2);
        assertThat(both.err()).contains("--input and --input-file cannot both be given");
        CliRun badJson = CliRun.run(env, "runs", "start", "etl", "--input", "{rows");
        assertThat(badJson.exit()).isEqualTo(2);
        assertThat(badJson.err()).contains("--input is not valid JSON");
        CliRun unknown = CliRun.run(env, "runs", "start", "nope");
        assertThat(unknown.exit()).isEqualTo(1);
        assertThat(unknown.err()).contains("404").contains("no pipeline named nope");

        Path input = file("input.json", "{\"rows\": [7]}");
        CliRun first = CliRun.run(env, "runs", "start", "etl", "--input-file", input.toString(), "--idempotency-key", "k-1");
        assertThat(first.exit()).as(first.err()).isZero();
        assertThat(first.out()).contains("Started run ").contains(" of etl v1").contains("bulwark runs watch");
        CliRun again = CliRun.run(env, "runs", "start", "etl", "--idempotency-key", "k-1");
        assertThat(again.out()).contains("was started earlier with --idempotency-key k-1; no new run was started");
        assertThat(again.out().lines().findFirst().orElseThrow().split(" ")[1])
                .isEqualTo(first.out().lines().findFirst().orElseThrow().split(" ")[2]);

        assertThat(CliRun.run(env, "runs", "show", "not-a-uuid").exit()).isEqualTo(2);
        CliRun state = CliRun.run(env, "runs", "list", "--state", "done");
        assertThat(state.exit()).isEqualTo(2);
        assertThat(state.err()).contains("--state must be one of running, completed, failed, cancelled");
        assertThat(CliRun.run(env, "runs", "list", "--limit", "0").err()).contains("--limit must be 1 to 500");
        assertThat(CliRun.run(env, "runs", "watch", "0190f7d6-6c3e-7a3b-9d2e-1b2c3d4e5f60", "--interval", "1ms").err())
                .contains("--interval must be from 100ms to 1m");
    }

    @Test
    void aRunIsCancelledAndAFailedRunIsRetriedAndWatchExitsOneForBoth() throws Exception {
        CliRun.run(env, "pipelines", "register", file("slow.json", """
                {"id": "slow", "steps": [{"id": "nap", "type": "builtin.sleep", "input": {"ms": 3000}}]}""").toString());
        String slow = Json.mapper().readTree(CliRun.run(env, "runs", "start", "slow", "-o", "json").out()).get("id").asText();
        CliRun cancelled = CliRun.run(env, "runs", "cancel", slow, "--reason", "not today");
        assertThat(cancelled.exit()).as(cancelled.err()).isZero();
        assertThat(cancelled.out()).contains("Cancelled run " + slow);
        CliRun twice = CliRun.run(env, "runs", "cancel", slow);
        assertThat(twice.exit()).isEqualTo(1);
        assertThat(twice.err()).contains("409").contains("only a running run can be cancelled");
        CliRun watchCancelled = CliRun.run(env, "runs", "watch", slow);
        assertThat(watchCancelled.exit()).isEqualTo(1);
        assertThat(watchCancelled.err()).contains("run " + slow + " cancelled: not today");

        CliRun.run(env, "pipelines", "register", file("failing.json", """
                {"id": "failing", "steps": [{"id": "boom", "type": "builtin.fail", "input": {"times": 9},
                  "retry": {"maxAttempts": 1}}]}""").toString());
        String failing = Json.mapper().readTree(CliRun.run(env, "runs", "start", "failing", "-o", "json").out())
                .get("id").asText();
        CliRun watched = CliRun.run(env, "runs", "watch", failing, "--interval", "100ms");
        assertThat(watched.exit()).isEqualTo(1);
        assertThat(watched.out()).contains("boom  failed  1 attempt");
        assertThat(watched.err()).contains("run " + failing + " failed at step boom");
        CliRun retried = CliRun.run(env, "runs", "retry", failing);
        assertThat(retried.exit()).as(retried.err()).isZero();
        assertThat(retried.out()).contains("Retrying run " + failing + " from its failed step");
        CliRun retryRunning = CliRun.run(env, "runs", "retry", slow);
        assertThat(retryRunning.exit()).isEqualTo(1);
        assertThat(retryRunning.err()).contains("only a failed run can be retried");
    }

    @Test
    void anApprovalIsShownAsWaitingAndApprovedOrRejectedByTheCli() throws Exception {
        CliRun.run(env, "pipelines", "register", file("gated.json", """
                {"id": "gated", "steps": [{"id": "ok", "type": "approval"},
                 {"id": "after", "type": "builtin.echo", "after": ["ok"], "input": {"by": "${steps.ok.output.by}"}}]}""").toString());
        String first = Json.mapper().readTree(CliRun.run(env, "runs", "start", "gated", "-o", "json").out()).get("id").asText();
        String second = Json.mapper().readTree(CliRun.run(env, "runs", "start", "gated", "-o", "json").out()).get("id").asText();
        CliRun shown = CliRun.run(env, "runs", "show", first);
        assertThat(shown.out()).contains("waiting for approval: bulwark runs approve|reject RUN ok");

        CliRun approved = CliRun.run(env, "runs", "approve", first, "ok", "--comment", "fine");
        assertThat(approved.exit()).as(approved.err()).isZero();
        assertThat(approved.out()).contains("Approved step ok of run " + first);
        CliRun watched = CliRun.run(env, "runs", "watch", first, "--interval", "100ms");
        assertThat(watched.exit()).as(watched.err()).isZero();

        CliRun rejected = CliRun.run(env, "runs", "reject", second, "ok");
        assertThat(rejected.exit()).as(rejected.err()).isZero();
        assertThat(rejected.out()).contains("Rejected step ok of run " + second + "; the run is failed");
        CliRun again = CliRun.run(env, "runs", "approve", second, "ok");
        assertThat(again.exit()).isEqualTo(1);
        assertThat(again.err()).contains("409").contains("only a running run");
        CliRun badStep = CliRun.run(env, "runs", "approve", second, "ok[x]");
        assertThat(badStep.exit()).as("the server's 400").isEqualTo(2);
        assertThat(badStep.err()).contains("step").contains("review[3]");
        assertThat(CliRun.run(env, "runs", "approve", "not-a-uuid", "ok").exit()).isEqualTo(2);
    }
}
