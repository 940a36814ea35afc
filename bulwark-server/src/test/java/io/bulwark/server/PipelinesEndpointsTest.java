package io.bulwark.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.bulwark.test.http.FlakyServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@code /api/v1/pipelines} and {@code /api/v1/runs} on a real server with the embedded store. */
class PipelinesEndpointsTest {

    /** The issue's example, exactly. */
    static final String ETL = """
            {"id": "etl", "steps": [{"id": "extract", "type": "builtin.echo", "input": {"rows": [1, 2, 3]}},
             {"id": "load", "type": "builtin.noop", "after": ["extract"]}]}""";

    @TempDir
    Path dir;

    private BulwarkServer server;
    private Http http;

    private void start(Map<String, String> flags) {
        Map<String, String> all = new HashMap<>(Map.of("log.access", "false", "server.shutdown.grace", "1s",
                "jobs.pollInterval", "50ms"));
        all.putAll(flags);
        server = BulwarkServer.builder(TestServers.config(dir, all)).configuredStore().build().start();
        http = new Http(server.uri());
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private Http.Response post(String path, String body) {
        return http.send("POST", path, body, Map.of());
    }

    private JsonNode awaitRun(String id, String state) {
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50)).until(() ->
                http.get("/api/v1/runs/" + id).json().get("state").asText().equals(state));
        return http.get("/api/v1/runs/" + id).json();
    }

    @Test
    void theIssuesExampleRegistersStartsAndShowsEachStepWithItsStateAndAttempts() {
        start(Map.of());
        Http.Response registered = post("/api/v1/pipelines", ETL);
        assertThat(registered.status()).as(registered.body()).isEqualTo(201);
        assertThat(registered.header("Location")).isEqualTo("/api/v1/pipelines/etl/versions/1");
        JsonNode p = registered.json();
        assertThat(p.get("id").asText()).isEqualTo("etl");
        assertThat(p.get("version").asInt()).isEqualTo(1);
        assertThat(p.get("created").asBoolean()).isTrue();
        assertThat(p.get("definition").get("steps")).hasSize(2);

        Http.Response started = post("/api/v1/pipelines/etl/runs", "{\"input\": {\"day\": \"2026-12-01\"}}");
        assertThat(started.status()).as(started.body()).isEqualTo(201);
        JsonNode run = started.json();
        String id = run.get("id").asText();
        assertThat(started.header("Location")).isEqualTo("/api/v1/runs/" + id);
        assertThat(run.get("pipeline").asText()).isEqualTo("etl");
        assertThat(run.get("version").asInt()).isEqualTo(1);
        assertThat(run.get("input").get("day").asText()).isEqualTo("2026-12-01");
        assertThat(run.get("steps")).extracting(s -> s.get("id").asText()).containsExactly("extract", "load");
        run.get("steps").forEach(s -> assertThat(s.has("state") && s.has("attempts")).as(s.toString()).isTrue());

        JsonNode done = awaitRun(id, "completed");
        assertThat(done.get("finishedAt").isNull()).isFalse();
        assertThat(done.get("error").isNull()).isTrue();
        JsonNode steps = done.get("steps");
        assertThat(steps).hasSize(2);
        JsonNode extract = steps.get(0);
        assertThat(extract.get("id").asText()).isEqualTo("extract");
        assertThat(extract.get("index").isNull()).isTrue();
        assertThat(extract.get("state").asText()).isEqualTo("completed");
        assertThat(extract.get("attempts").asInt()).isEqualTo(1);
        assertThat(extract.get("input").toString()).isEqualTo("{\"rows\":[1,2,3]}");
        assertThat(extract.get("output").toString()).isEqualTo("{\"rows\":[1,2,3]}");
        assertThat(extract.get("jobId").asText()).isNotBlank();
        assertThat(extract.get("durationMs").asLong()).isGreaterThanOrEqualTo(0);
        JsonNode load = steps.get(1);
        assertThat(load.get("id").asText()).isEqualTo("load");
        assertThat(load.get("state").asText()).isEqualTo("completed");
        assertThat(load.get("attempts").asInt()).isEqualTo(1);
        assertThat(load.get("output").isNull()).isTrue();
        JsonNode job = http.get("/api/v1/jobs/" + extract.get("jobId").asText()).json();
        assertThat(job.get("queue").asText()).isEqualTo("pipelines");
        assertThat(job.get("type").asText()).isEqualTo("builtin.echo");

        // The run is seen completed a moment before its end is counted.
        await().atMost(Duration.ofSeconds(5)).until(() -> http.get("/metrics").body()
                .contains("bulwark_pipeline_runs_total{pipeline=\"etl\",state=\"completed\"} 1.0"));
        String metrics = http.get("/metrics").body();
        assertThat(metrics).contains("bulwark_pipeline_runs_started_total{pipeline=\"etl\"} 1.0")
                .contains("bulwark_pipeline_runs_total{pipeline=\"etl\",state=\"completed\"} 1.0")
                .contains("bulwark_pipeline_steps_total{pipeline=\"etl\",state=\"completed\"} 2.0")
                .contains("bulwark_pipeline_run_duration_seconds_count{pipeline=\"etl\",state=\"completed\"} 1")
                .contains("bulwark_pipeline_step_duration_seconds_count{pipeline=\"etl\",state=\"completed\"} 2")
                .containsPattern("bulwark_pipeline_runs_current\\{state=\"running\"} 0.0");
    }

    @Test
    void registeringTheSameDefinitionAgainKeepsItsVersionAndAChangedOneIsTheNextVersion() {
        start(Map.of("jobs.worker", "false"));
        assertThat(post("/api/v1/pipelines", ETL).status()).isEqualTo(201);
        Http.Response same = post("/api/v1/pipelines", ETL.replace("\n", " "));
        assertThat(same.status()).as(same.body()).isEqualTo(200);
        assertThat(same.json().get("created").asBoolean()).isFalse();
        assertThat(same.json().get("version").asInt()).isEqualTo(1);
        String runOfV1 = post("/api/v1/pipelines/etl/runs", "{}").json().get("id").asText();

        Http.Response v2 = post("/api/v1/pipelines", ETL.replace("[1, 2, 3]", "[4]"));
        assertThat(v2.status()).as(v2.body()).isEqualTo(201);
        assertThat(v2.json().get("version").asInt()).isEqualTo(2);

        JsonNode latest = http.get("/api/v1/pipelines/etl").json();
        assertThat(latest.get("version").asInt()).isEqualTo(2);
        assertThat(latest.get("versions")).extracting(v -> v.get("version").asInt()).containsExactly(1, 2);
        assertThat(http.get("/api/v1/pipelines/etl/versions/1").json().get("definition").get("steps").get(0)
                .get("input").toString()).isEqualTo("{\"rows\":[1,2,3]}");
        Http.Response none = http.get("/api/v1/pipelines/etl/versions/3");
        assertThat(none.status()).isEqualTo(404);
        assertThat(none.json().get("detail").asText()).contains("no version 3").contains("1 to 2");
        assertThat(fields(http.get("/api/v1/pipelines/etl/versions/zero"))).containsExactly("version");
        assertThat(http.get("/api/v1/runs/" + runOfV1).json().get("version").asInt()).as("a run keeps its version")
                .isEqualTo(1);
        assertThat(post("/api/v1/pipelines/etl/runs", "{}").json().get("version").asInt()).isEqualTo(2);

        JsonNode list = http.get("/api/v1/pipelines").json();
        assertThat(list.get("items")).extracting(i -> i.get("id").asText() + " v" + i.get("version").asInt())
                .containsExactly("etl v2");
    }

    @Test
    void aDefinitionWithManyProblemsIsRefusedListingEachWithItsStepAndFieldAndNothingIsRegistered() {
        start(Map.of("jobs.worker", "false"));
        String bad = """
                {"id": "bad", "steps": [
                  {"id": "a", "type": "builtin.echo", "after": ["c"]},
                  {"id": "b", "type": "sendmail", "after": ["a"]},
                  {"id": "c", "type": "builtin.echo", "after": ["b"]},
                  {"id": "d", "type": "builtin.echo", "after": ["zz"], "input": {"x": "${input.a +}"}},
                  {"id": "e", "type": "pipeline", "input": {"pipeline": "nope"}, "retires": 3}
                ]}""";
        Http.Response r = post("/api/v1/pipelines", bad);
        List<String> fields = fields(r);
        assertThat(r.json().get("detail").asText()).contains("problems").contains("nothing was registered");
        assertThat(fields).contains("steps[1].type", "steps[3].after[0]", "steps[3].input.x", "steps[4].retires",
                "steps[4].input.pipeline");
        String body = r.body();
        assertThat(body).contains("step 'b'").contains("unknown step type 'sendmail'")
                .contains("step 'd'").contains("'zz'").contains("step 'e'").contains("unknown field 'retires'")
                .contains("no pipeline 'nope' is registered");
        assertThat(http.get("/api/v1/pipelines/bad").status()).isEqualTo(404);
        assertThat(http.get("/api/v1/pipelines").json().get("items")).isEmpty();

        Http.Response cycle = post("/api/v1/pipelines", """
                {"id": "loop", "steps": [{"id": "a", "type": "builtin.echo", "after": ["c"]},
                 {"id": "b", "type": "builtin.echo", "after": ["a"]}, {"id": "c", "type": "builtin.echo", "after": ["b"]}]}""");
        assertThat(fields(cycle)).isNotEmpty();
        assertThat(cycle.body()).contains("cycle").contains("a -> b -> c -> a");

        Http.Response notJson = post("/api/v1/pipelines", "{\"id\": ");
        assertThat(fields(notJson)).containsExactly("(document)");
        assertThat(notJson.body()).contains("not valid JSON");
        assertThat(post("/api/v1/pipelines", "").status()).isEqualTo(400);
        assertThat(http.send("POST", "/api/v1/pipelines", "id: x", Map.of("Content-Type", "text/plain")).status())
                .isEqualTo(415);
    }

    @Test
    void validateListsTheProblemsWithoutRegistering() {
        start(Map.of("jobs.worker", "false"));
        Http.Response ok = post("/api/v1/pipelines/validate", ETL);
        assertThat(ok.status()).as(ok.body()).isEqualTo(200);
        assertThat(ok.json().get("valid").asBoolean()).isTrue();
        assertThat(ok.json().get("problems")).isEmpty();
        assertThat(http.get("/api/v1/pipelines/etl").status()).as("validate registers nothing").isEqualTo(404);

        Http.Response bad = post("/api/v1/pipelines/validate", ETL.replace("builtin.noop", "no.such.type")
                .replace("\"extract\"]", "\"extrakt\"]"));
        assertThat(bad.status()).isEqualTo(200);
        assertThat(bad.json().get("valid").asBoolean()).isFalse();
        List<String> problems = new ArrayList<>();
        bad.json().get("problems").forEach(p -> problems.add(p.get("step").asText() + " " + p.get("field").asText()));
        assertThat(problems).contains("load steps[1].type", "load steps[1].after[0]");
        assertThat(bad.json().get("problems").toString()).contains("unknown step type 'no.such.type'").contains("'extrakt'");
    }

    @Test
    void aYamlDefinitionIsRegisteredLikeJson() {
        start(Map.of("jobs.worker", "false"));
        String yaml = """
                id: etl-yaml
                steps:
                  - id: extract
                    type: builtin.echo
                    input: {rows: [1, 2, 3]}
                  - id: load
                    type: builtin.noop
                    after: [extract]
                """;
        Http.Response r = http.send("POST", "/api/v1/pipelines", yaml, Map.of("Content-Type", "application/yaml"));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        assertThat(r.json().get("definition").get("steps").get(1).get("after").get(0).asText()).isEqualTo("extract");
        Http.Response broken = http.send("POST", "/api/v1/pipelines", "id: [", Map.of("Content-Type", "application/yaml"));
        assertThat(fields(broken)).containsExactly("(document)");
        assertThat(broken.body()).contains("not valid YAML");
    }

    @Test
    void anInputThatBreaksTheSchemaIsRefusedNamingEachPathAndStartsNoRun() {
        start(Map.of("jobs.worker", "false"));
        assertThat(post("/api/v1/pipelines", """
                {"id": "typed", "inputSchema": {"type": "object", "required": ["day"],
                   "properties": {"day": {"type": "string", "pattern": "^\\\\d{4}-\\\\d{2}-\\\\d{2}$"},
                                  "count": {"type": "integer", "minimum": 1}}},
                 "steps": [{"id": "a", "type": "builtin.echo", "input": {"day": "${input.day}"}}]}""").status())
                .isEqualTo(201);
        Http.Response r = post("/api/v1/pipelines/typed/runs", "{\"input\": {\"day\": \"yesterday\", \"count\": 0}}");
        assertThat(fields(r)).containsExactlyInAnyOrder("input.day", "input.count");
        assertThat(r.json().get("detail").asText()).contains("input schema").contains("no run was started");
        Http.Response missing = post("/api/v1/pipelines/typed/runs", "{}");
        assertThat(fields(missing)).containsExactly("input");
        assertThat(missing.body()).contains("day");
        assertThat(http.get("/api/v1/runs?pipeline=typed").json().get("items")).isEmpty();

        Http.Response ok = post("/api/v1/pipelines/typed/runs", "{\"input\": {\"day\": \"2026-12-01\", \"count\": 2}}");
        assertThat(ok.status()).as(ok.body()).isEqualTo(201);
        assertThat(fields(post("/api/v1/pipelines/typed/runs", "{\"input\": {\"day\": \"2026-12-01\"}, \"colour\": 1}")))
                .containsExactly("colour");
        assertThat(fields(post("/api/v1/pipelines/typed/runs", "{\"input\": {\"day\": \"2026-12-01\"}, "
                + "\"idempotencyKey\": \"" + "k".repeat(300) + "\"}"))).containsExactly("idempotencyKey");
    }

    @Test
    void aStartWithAnIdempotencyKeyGivenTwiceReturnsTheFirstRun() {
        start(Map.of("jobs.worker", "false"));
        post("/api/v1/pipelines", ETL);
        Http.Response first = post("/api/v1/pipelines/etl/runs", "{\"input\": {}, \"idempotencyKey\": \"day-1\"}");
        Http.Response again = post("/api/v1/pipelines/etl/runs", "{\"input\": {\"other\": 1}, \"idempotencyKey\": \"day-1\"}");
        assertThat(first.status()).isEqualTo(201);
        assertThat(again.status()).as(again.body()).isEqualTo(200);
        assertThat(again.json().get("id").asText()).isEqualTo(first.json().get("id").asText());
        assertThat(again.json().get("idempotencyKey").asText()).isEqualTo("day-1");
        assertThat(first.json().get("replayed").asBoolean()).isFalse();
        assertThat(again.json().get("replayed").asBoolean()).isTrue();
        assertThat(http.get("/api/v1/runs").json().get("items")).hasSize(1);
    }

    @Test
    void unknownPipelinesAndRunsAre404AndBadIdsAndFilters400() {
        start(Map.of("jobs.worker", "false"));
        String nobody = "0190f7d6-6c3e-7a3b-9d2e-1b2c3d4e5f60";
        for (String[] call : List.of(new String[]{"GET", "/api/v1/pipelines/nope"},
                new String[]{"GET", "/api/v1/pipelines/nope/versions/1"}, new String[]{"POST", "/api/v1/pipelines/nope/runs"},
                new String[]{"GET", "/api/v1/runs/" + nobody}, new String[]{"POST", "/api/v1/runs/" + nobody + "/cancel"},
                new String[]{"POST", "/api/v1/runs/" + nobody + "/retry"})) {
            Http.Response r = http.send(call[0], call[1], null, Map.of());
            assertThat(r.status()).as(call[0] + " " + call[1]).isEqualTo(404);
            assertThat(r.header("Content-Type")).isEqualTo("application/problem+json");
            assertThat(r.json().get("detail").asText()).containsAnyOf("no pipeline named nope", "no pipeline run has the id");
        }
        assertThat(fields(http.get("/api/v1/runs/not-a-uuid"))).containsExactly("id");
        assertThat(fields(http.get("/api/v1/pipelines/a%20b"))).containsExactly("id");
        Http.Response state = http.get("/api/v1/runs?state=done");
        assertThat(fields(state)).containsExactly("state");
        assertThat(state.body()).contains("running, completed, failed, cancelled");
        assertThat(fields(http.get("/api/v1/runs?limit=0"))).containsExactly("limit");
        assertThat(fields(http.get("/api/v1/runs?cursor=%25%25"))).containsExactly("cursor");
        assertThat(fields(http.get("/api/v1/runs?pipeline=a%20b"))).containsExactly("pipeline");
    }

    @Test
    void runsAreListedNewestFirstByPipelineAndStateAPageAtATime() {
        start(Map.of("jobs.worker", "false"));
        post("/api/v1/pipelines", ETL);
        post("/api/v1/pipelines", ETL.replace("\"etl\"", "\"other\""));
        List<String> started = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            started.add(post("/api/v1/pipelines/etl/runs", "{}").json().get("id").asText());
        }
        String otherRun = post("/api/v1/pipelines/other/runs", "{}").json().get("id").asText();
        post("/api/v1/runs/" + started.get(0) + "/cancel", null);

        JsonNode first = http.get("/api/v1/runs?pipeline=etl&limit=2").json();
        assertThat(first.get("items")).extracting(r -> r.get("id").asText()).containsExactly(started.get(2), started.get(1));
        String cursor = first.get("nextCursor").asText();
        JsonNode second = http.get("/api/v1/runs?pipeline=etl&limit=2&cursor=" + cursor).json();
        assertThat(second.get("items")).extracting(r -> r.get("id").asText()).containsExactly(started.get(0));
        assertThat(second.has("nextCursor")).as("the last page").isFalse();
        assertThat(http.get("/api/v1/runs?state=cancelled").json().get("items")).extracting(r -> r.get("id").asText())
                .containsExactly(started.get(0));
        assertThat(http.get("/api/v1/runs?state=running").json().get("items")).hasSize(3);
        assertThat(http.get("/api/v1/runs").json().get("items").get(0).get("id").asText()).isEqualTo(otherRun);
        assertThat(http.get("/api/v1/runs").json().get("items").get(0).has("steps")).as("a list shows no steps").isFalse();
    }

    @Test
    void aRunningRunIsCancelledOnceAndOnlyAFailedRunIsRetried() {
        start(Map.of("jobs.worker", "false"));
        post("/api/v1/pipelines", ETL);
        String id = post("/api/v1/pipelines/etl/runs", "{}").json().get("id").asText();
        Http.Response retryRunning = post("/api/v1/runs/" + id + "/retry", null);
        assertThat(retryRunning.status()).isEqualTo(409);
        assertThat(retryRunning.json().get("detail").asText()).contains("is running").contains("only a failed run");

        Http.Response cancelled = post("/api/v1/runs/" + id + "/cancel", "{\"reason\": \"wrong day\"}");
        assertThat(cancelled.status()).as(cancelled.body()).isEqualTo(200);
        assertThat(cancelled.json().get("state").asText()).isEqualTo("cancelled");
        assertThat(cancelled.json().get("error").asText()).isEqualTo("wrong day");
        String jobId = cancelled.json().get("steps").get(0).get("jobId").asText();
        assertThat(http.get("/api/v1/jobs/" + jobId).json().get("state").asText()).as("its running step's job")
                .isEqualTo("cancelled");

        Http.Response again = post("/api/v1/runs/" + id + "/cancel", null);
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.json().get("detail").asText()).contains("is cancelled").contains("only a running run");
        assertThat(post("/api/v1/runs/" + id + "/retry", null).status()).isEqualTo(409);
        assertThat(fields(post("/api/v1/runs/" + id + "/cancel", "{\"reason\": \"\"}"))).containsExactly("reason");
    }

    @Test
    void aFailedRunIsRetriedFromItsFailedStepKeepingTheCompletedOnes() {
        try (FlakyServer upstream = FlakyServer.start("upstream")) {
            upstream.fail(400);
            start(Map.of());
            String def = """
                    {"id": "fetch", "steps": [{"id": "first", "type": "builtin.echo", "input": {"n": 1}},
                     {"id": "call", "type": "http", "after": ["first"], "retry": {"maxAttempts": 1},
                      "input": {"url": "%s"}}]}""".formatted(upstream.uri("/ok"));
            assertThat(post("/api/v1/pipelines", def).status()).isEqualTo(201);
            String id = post("/api/v1/pipelines/fetch/runs", "{}").json().get("id").asText();
            JsonNode failed = awaitRun(id, "failed");
            assertThat(failed.get("failedStep").asText()).isEqualTo("call");
            assertThat(failed.get("error").asText()).contains("400");
            String firstJob = failed.get("steps").get(0).get("jobId").asText();
            assertThat(failed.get("steps").get(1).get("state").asText()).isEqualTo("failed");
            assertThat(failed.get("steps").get(1).get("error").asText()).contains("400");

            upstream.succeed("fine");
            Http.Response retried = post("/api/v1/runs/" + id + "/retry", null);
            assertThat(retried.status()).as(retried.body()).isEqualTo(200);
            assertThat(retried.json().get("state").asText()).isIn("running", "completed");
            JsonNode done = awaitRun(id, "completed");
            assertThat(done.get("retries").asInt()).isEqualTo(1);
            assertThat(done.get("steps").get(0).get("jobId").asText()).as("the completed step did not run again")
                    .isEqualTo(firstJob);
            JsonNode call = done.get("steps").get(1);
            assertThat(call.get("state").asText()).isEqualTo("completed");
            assertThat(call.get("output").get("status").asInt()).isEqualTo(200);
            assertThat(upstream.requests("/ok")).isEqualTo(2);
        }
    }

    @Test
    void pipelinesNeedTheOperatorRoleToChangeAndTheViewerRoleToRead() {
        var keys = io.bulwark.server.auth.ApiKeyStore.open(dir, java.time.InstantSource.system());
        String viewer = keys.create("v", io.bulwark.server.auth.Role.VIEWER).plaintext();
        String operator = keys.create("o", io.bulwark.server.auth.Role.OPERATOR).plaintext();
        start(Map.of("jobs.worker", "false"));
        assertThat(http.send("POST", "/api/v1/pipelines", ETL, Http.bearer(viewer)).status()).isEqualTo(403);
        assertThat(http.send("POST", "/api/v1/pipelines", ETL, Http.bearer(operator)).status()).isEqualTo(201);
        assertThat(http.send("POST", "/api/v1/pipelines/validate", ETL, Http.bearer(viewer)).status()).isEqualTo(200);
        assertThat(http.get("/api/v1/pipelines/etl", Http.bearer(viewer)).status()).isEqualTo(200);
        assertThat(http.send("POST", "/api/v1/pipelines/etl/runs", "{}", Http.bearer(viewer)).status()).isEqualTo(403);
        Http.Response run = http.send("POST", "/api/v1/pipelines/etl/runs", "{}", Http.bearer(operator));
        assertThat(run.status()).isEqualTo(201);
        String id = run.json().get("id").asText();
        assertThat(http.get("/api/v1/runs/" + id, Http.bearer(viewer)).status()).isEqualTo(200);
        assertThat(http.get("/api/v1/runs", Http.bearer(viewer)).status()).isEqualTo(200);
        assertThat(http.send("POST", "/api/v1/runs/" + id + "/cancel", null, Http.bearer(viewer)).status()).isEqualTo(403);
        assertThat(http.send("POST", "/api/v1/runs/" + id + "/cancel", null, Http.bearer(operator)).status()).isEqualTo(200);
        assertThat(http.get("/api/v1/runs").status()).isEqualTo(401);
    }

    @Test
    void bodiesOverTheServerLimitAre413() {
        start(Map.of("server.maxRequestBody", "1KiB", "jobs.worker", "false"));
        String big = ETL.replace("[1, 2, 3]", "\"" + "x".repeat(2000) + "\"");
        assertThat(post("/api/v1/pipelines", big).status()).isEqualTo(413);
        assertThat(post("/api/v1/pipelines/validate", big).status()).isEqualTo(413);
    }

    @Test
    void anApprovalStepWaitsUntilAnOperatorApprovesWithTheirKeyRecorded() {
        var keys = io.bulwark.server.auth.ApiKeyStore.open(dir, java.time.InstantSource.system());
        String viewer = keys.create("v", io.bulwark.server.auth.Role.VIEWER).plaintext();
        var operatorKey = keys.create("ops", io.bulwark.server.auth.Role.OPERATOR);
        String operator = operatorKey.plaintext();
        start(Map.of());
        Map<String, String> op = Http.bearer(operator);
        String def = """
                {"id": "ship", "steps": [{"id": "build", "type": "builtin.echo", "input": {"v": "${input.v}"}},
                 {"id": "review", "type": "approval", "after": ["build"], "input": {"timeout": "1h"}},
                 {"id": "deploy", "type": "builtin.echo", "after": ["review"], "input": {"by": "${steps.review.output.by}"}}]}""";
        assertThat(http.send("POST", "/api/v1/pipelines", def, op).status()).isEqualTo(201);
        String id = http.send("POST", "/api/v1/pipelines/ship/runs", "{\"input\": {\"v\": 3}}", op).json().get("id").asText();
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50)).until(() ->
                http.get("/api/v1/runs/" + id, op).json().get("steps").get(1).get("state").asText().equals("running"));
        JsonNode waiting = http.get("/api/v1/runs/" + id, op).json().get("steps").get(1);
        assertThat(waiting.get("type").asText()).isEqualTo("approval");
        assertThat(waiting.get("jobId").isTextual()).as("its timer").isTrue();

        String approve = "/api/v1/runs/" + id + "/steps/review/approve";
        assertThat(http.send("POST", approve, null, Http.bearer(viewer)).status()).isEqualTo(403);
        assertThat(http.send("POST", "/api/v1/runs/" + id + "/steps/build/approve", null, op).status()).isEqualTo(400);
        assertThat(http.send("POST", "/api/v1/runs/" + id + "/steps/nope/approve", null, op).status()).isEqualTo(404);
        Http.Response badStep = http.send("POST", "/api/v1/runs/" + id + "/steps/review%5Bx%5D/approve", null, op);
        assertThat(badStep.status()).isEqualTo(400);
        assertThat(badStep.json().get("errors").get(0).get("field").asText()).isEqualTo("step");
        Http.Response ok = http.send("POST", approve, "{\"comment\": \"ship it\"}", op);
        assertThat(ok.status()).as(ok.body()).isEqualTo(200);
        JsonNode review = ok.json().get("steps").get(1);
        assertThat(review.get("state").asText()).isEqualTo("completed");
        assertThat(review.get("output").get("by").asText()).isEqualTo("ops (key " + operatorKey.key().id() + ")");
        assertThat(review.get("output").get("comment").asText()).isEqualTo("ship it");
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50)).until(() ->
                http.get("/api/v1/runs/" + id, op).json().get("state").asText().equals("completed"));
        JsonNode done = http.get("/api/v1/runs/" + id, op).json();
        assertThat(done.get("output").get("deploy").get("by").asText()).startsWith("ops (key ");
        Http.Response twice = http.send("POST", approve, null, op);
        assertThat(twice.status()).isEqualTo(409);
        assertThat(twice.json().get("detail").asText()).contains("only a running run");
    }

    @Test
    void aPipelineStepRunsAChildRunShownOnItsStepAndRejectingFailsIt() {
        start(Map.of());
        assertThat(post("/api/v1/pipelines", ETL).status()).isEqualTo(201);
        String parent = """
                {"id": "outer", "steps": [{"id": "inner", "type": "pipeline", "input": {"pipeline": "etl"}},
                 {"id": "gate", "type": "approval", "after": ["inner"]}]}""";
        assertThat(post("/api/v1/pipelines", parent).status()).isEqualTo(201);
        Http.Response unknown = post("/api/v1/pipelines", parent.replace("\"etl\"", "\"nope\"").replace("outer", "outer2"));
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.body()).contains("steps[0].input.pipeline").contains("no pipeline 'nope'");

        String id = post("/api/v1/pipelines/outer/runs", "{}").json().get("id").asText();
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50)).until(() ->
                http.get("/api/v1/runs/" + id).json().get("steps").get(0).get("state").asText().equals("completed"));
        JsonNode inner = http.get("/api/v1/runs/" + id).json().get("steps").get(0);
        String child = inner.get("childRun").asText();
        assertThat(inner.get("jobId").isNull()).isTrue();
        JsonNode childRun = http.get("/api/v1/runs/" + child).json();
        assertThat(childRun.get("pipeline").asText()).isEqualTo("etl");
        assertThat(childRun.get("output")).isEqualTo(inner.get("output"));
        assertThat(inner.get("output").has("load")).as(inner.toString()).isTrue();

        // The run moves on to the gate (running: waiting for a decision) asynchronously after the child run completes.
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50)).until(() ->
                http.get("/api/v1/runs/" + id).json().get("steps").get(1).get("state").asText().equals("running"));
        Http.Response rejected = post("/api/v1/runs/" + id + "/steps/gate/reject", "{\"comment\": \"no\"}");
        assertThat(rejected.status()).as(rejected.body()).isEqualTo(200);
        assertThat(rejected.json().get("state").asText()).isEqualTo("failed");
        assertThat(rejected.json().get("error").asText()).endsWith(": no");
    }

    @Test
    void aKubernetesJobStepIsRegisteredAndItsJobTypeIsKnownToTheServer() {
        start(Map.of("jobs.worker", "false"));
        Http.Response r = post("/api/v1/pipelines", """
                {"id": "k8s", "steps": [{"id": "fit", "type": "kubernetes-job", "input": {"image": "trainer:v1"}}]}""");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        Http.Response job = post("/api/v1/jobs", "{\"type\": \"builtin.kubernetes-job\", \"payload\": {\"image\": \"x\"}}");
        assertThat(job.status()).as("a registered job type: " + job.body()).isEqualTo(201);
    }

    private static List<String> fields(Http.Response r) {
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        List<String> out = new ArrayList<>();
        r.json().path("errors").forEach(e -> out.add(e.get("field").asText()));
        return out;
    }
}
