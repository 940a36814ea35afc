package io.bulwark.server;

import com.fasterxml.jackson.databind.JsonNode;
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

/** Pipelines on a running server: their steps run as jobs on its own worker, its leader sweeps, schedules start runs. */
class PipelinesServerTest {

    /** Three steps: a list, a fan-out of builtin.echo over it, and a fan-in that collects the branches in order. */
    static final String FAN = """
            {"id": "fan", "inputSchema": {"type": "object", "required": ["items"],
                                          "properties": {"items": {"type": "array"}}},
             "steps": [
               {"id": "list", "type": "builtin.echo", "input": {"items": "${input.items}"}},
               {"id": "each", "type": "builtin.echo", "after": ["list"], "forEach": "${steps.list.output.items}",
                "parallelism": 4, "input": {"n": "${item * 10}", "i": "${index}"}},
               {"id": "collect", "type": "builtin.echo", "after": ["each"], "input": {"all": "${steps.each.output}"}}
             ]}""";

    @TempDir
    Path dir;

    private BulwarkServer start(Map<String, String> flags) {
        Map<String, String> all = new HashMap<>(Map.of("log.access", "false", "server.shutdown.grace", "1s",
                "cluster.heartbeat", "200ms", "jobs.pollInterval", "50ms"));
        all.putAll(flags);
        return BulwarkServer.builder(TestServers.config(dir, all)).configuredStore().build().start();
    }

    @Test
    void twentyRunsOfAFanOutPipelineAndTheIssuesExampleAllCompleteOnTheServersOwnWorker() {
        try (BulwarkServer server = start(Map.of())) {
            Http http = new Http(server.uri());
            assertThat(post(http, "/api/v1/pipelines", PipelinesEndpointsTest.ETL).status()).isEqualTo(201);
            Http.Response fan = post(http, "/api/v1/pipelines", FAN);
            assertThat(fan.status()).as(fan.body()).isEqualTo(201);

            List<String> fans = new ArrayList<>();
            for (int r = 0; r < 20; r++) {
                StringBuilder items = new StringBuilder();
                for (int i = 0; i < 10; i++) {
                    items.append(i == 0 ? "" : ",").append(r * 100 + i);
                }
                Http.Response started = post(http, "/api/v1/pipelines/fan/runs", "{\"input\": {\"items\": [" + items + "]}}");
                assertThat(started.status()).as(started.body()).isEqualTo(201);
                fans.add(started.json().get("id").asText());
            }
            String etl = post(http, "/api/v1/pipelines/etl/runs", "{\"input\": {}}").json().get("id").asText();

            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() ->
                    http.get("/api/v1/runs?state=completed&limit=500").json().get("items").size() == 21);
            assertThat(http.get("/api/v1/runs?state=running").json().get("items")).isEmpty();
            assertThat(http.get("/api/v1/runs?state=failed").json().get("items")).isEmpty();

            for (int r = 0; r < 20; r++) {
                JsonNode run = http.get("/api/v1/runs/" + fans.get(r)).json();
                JsonNode steps = run.get("steps");
                // list, 10 branches of each, collect: in the definition's order, branches by index.
                assertThat(steps).hasSize(12);
                assertThat(steps.get(0).get("id").asText()).isEqualTo("list");
                for (int i = 0; i < 10; i++) {
                    JsonNode branch = steps.get(1 + i);
                    assertThat(branch.get("id").asText()).isEqualTo("each");
                    assertThat(branch.get("index").asInt()).isEqualTo(i);
                    assertThat(branch.get("state").asText()).isEqualTo("completed");
                    assertThat(branch.get("attempts").asInt()).isEqualTo(1);
                }
                JsonNode all = steps.get(11).get("output").get("all");
                assertThat(all).hasSize(10);
                for (int i = 0; i < 10; i++) {
                    assertThat(all.get(i).get("n").asInt()).isEqualTo((r * 100 + i) * 10);
                    assertThat(all.get(i).get("i").asInt()).isEqualTo(i);
                }
            }
            JsonNode example = http.get("/api/v1/runs/" + etl).json();
            assertThat(example.get("steps")).extracting(s -> s.get("id").asText() + " " + s.get("state").asText())
                    .containsExactly("extract completed", "load completed");

            JsonNode jobs = http.get("/api/v1/jobs?queue=pipelines&limit=500").json().get("items");
            assertThat(jobs).as("one job per step instance: 20 x 12 + 2").hasSize(242);

            JsonNode check = http.get("/health").json().get("checks").get("pipelines");
            assertThat(check.get("status").asText()).isEqualTo("UP");
            assertThat(check.get("details").get("running").asInt()).isZero();
            assertThat(check.get("details").get("leader").asBoolean()).isTrue();
            assertThat(check.get("details").get("queue").asText()).isEqualTo("pipelines");
            await().atMost(Duration.ofSeconds(3)).until(() -> http.get("/health").json().get("checks").get("pipelines")
                    .get("details").has("lastSweepAt"));
        }
    }

    @Test
    void aScheduleWithAPipelineTargetStartsRunsThatComplete() {
        try (BulwarkServer server = start(Map.of("pipelines.queue", "steps"))) {
            Http http = new Http(server.uri());
            assertThat(post(http, "/api/v1/pipelines", PipelinesEndpointsTest.ETL).status()).isEqualTo(201);
            Http.Response created = http.send("PUT", "/api/v1/schedules/etl-every-second",
                    "{\"cron\":\"* * * * * *\",\"pipeline\":{\"id\":\"etl\",\"input\":{\"from\":\"schedule\"}}}", Map.of());
            assertThat(created.status()).as(created.body()).isEqualTo(201);

            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200)).until(() ->
                    http.get("/api/v1/runs?pipeline=etl&state=completed").json().get("items").size() >= 2);
            JsonNode runs = http.get("/api/v1/runs?pipeline=etl").json().get("items");
            runs.forEach(r -> assertThat(r.get("idempotencyKey").asText()).startsWith("schedule:etl-every-second:"));
            String completed = http.get("/api/v1/runs?pipeline=etl&state=completed").json().get("items").get(0)
                    .get("id").asText();
            JsonNode run = http.get("/api/v1/runs/" + completed).json();
            assertThat(run.get("input").get("from").asText()).isEqualTo("schedule");
            assertThat(http.get("/api/v1/jobs/" + run.get("steps").get(0).get("jobId").asText()).json().get("queue")
                    .asText()).as("pipelines.queue").isEqualTo("steps");
            JsonNode history = http.get("/api/v1/schedules/etl-every-second").json().get("history");
            assertThat(history).anySatisfy(f -> {
                assertThat(f.get("state").asText()).isEqualTo("fired");
                assertThat(f.get("ref").asText()).isEqualTo(completed);
                assertThat(f.get("run").get("state").asText()).isEqualTo("completed");
                assertThat(f.get("run").get("finished").asBoolean()).isTrue();
            });
        }
    }

    @Test
    void aWorkerLimitedToOtherQueuesLeavesStepsWaitingOnThePipelinesQueue() {
        try (BulwarkServer server = start(Map.of("jobs.serveQueues", "default"))) {
            Http http = new Http(server.uri());
            post(http, "/api/v1/pipelines", PipelinesEndpointsTest.ETL);
            String id = post(http, "/api/v1/pipelines/etl/runs", "{}").json().get("id").asText();
            String job = http.get("/api/v1/runs/" + id).json().get("steps").get(0).get("jobId").asText();
            // A job on a served queue completes meanwhile; the step's job stays available.
            String other = post(http, "/api/v1/jobs", "{\"type\":\"builtin.noop\"}").json().get("id").asText();
            await().atMost(Duration.ofSeconds(5)).until(() ->
                    http.get("/api/v1/jobs/" + other).json().get("state").asText().equals("completed"));
            assertThat(http.get("/api/v1/jobs/" + job).json().get("state").asText()).isEqualTo("available");
            assertThat(http.get("/api/v1/runs/" + id).json().get("state").asText()).isEqualTo("running");
        }
    }

    private static Http.Response post(Http http, String path, String body) {
        return http.send("POST", path, body, Map.of());
    }
}
