package io.bulwark.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.bulwark.jobs.store.InMemoryJobStore;
import io.bulwark.server.internal.jobs.QueuePersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The jobs and queues API over real HTTP, on an in-memory store with the real worker loop. */
class JobsEndpointsTest {

    @TempDir
    Path dir;

    private BulwarkServer server;
    private Http http;

    @BeforeEach
    void start() {
        server = BulwarkServer.builder(TestServers.config(dir, Map.of("jobs.pollInterval", "50ms", "log.access", "false")))
                .jobStore(new InMemoryJobStore(InstantSource.system()), QueuePersistence.none())
                .build().start();
        http = new Http(server.uri());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private JsonNode post(String path, String body) {
        Http.Response r = http.send("POST", path, body, Map.of("Content-Type", "application/json"));
        assertThat(r.status()).as(r.body()).isBetween(200, 299);
        return r.json();
    }

    private JsonNode awaitState(String id, String state) {
        return await().atMost(Duration.ofSeconds(10)).until(() -> http.get("/api/v1/jobs/" + id).json(),
                j -> j.get("state").asText().equals(state));
    }

    @Test
    void anEnqueuedJobRunsAndItsResultAndHistoryAreServed() {
        Http.Response created = http.send("POST", "/api/v1/jobs",
                "{\"type\":\"builtin.echo\",\"queue\":\"q1\",\"payload\":{\"hello\":\"world\"}}", Map.of());
        assertThat(created.status()).isEqualTo(201);
        String id = created.json().get("id").asText();
        JsonNode done = awaitState(id, "completed");
        assertThat(done.get("result").get("hello").asText()).isEqualTo("world");
        assertThat(done.get("history")).hasSize(3);
        assertThat(http.get("/api/v1/jobs?queue=q1&state=completed").json().get("items")).hasSize(1);
    }

    @Test
    void jobsAreListedByTagAndCreationTime() {
        String tagged = post("/api/v1/jobs", "{\"type\":\"builtin.noop\",\"queue\":\"f\",\"tags\":[\"order:42\",\"eu\"]}")
                .get("id").asText();
        post("/api/v1/jobs", "{\"type\":\"builtin.noop\",\"queue\":\"f\",\"tags\":[\"order:420\"]}");

        JsonNode byTag = http.get("/api/v1/jobs?tag=order:42").json().get("items");
        assertThat(byTag).hasSize(1);
        assertThat(byTag.get(0).get("id").asText()).isEqualTo(tagged);
        assertThat(http.get("/api/v1/jobs?queue=f&since=1h").json().get("items")).hasSize(2);
        assertThat(http.get("/api/v1/jobs?queue=f&until=1h").json().get("items")).isEmpty();
        assertThat(http.get("/api/v1/jobs?queue=f&since=2020-01-01T00:00:00Z&until=2099-01-01T00:00:00Z").json()
                .get("items")).hasSize(2);

        for (String bad : java.util.List.of("since=yesterday", "until=-5m", "since=1h&until=2h", "tag=")) {
            Http.Response r = http.get("/api/v1/jobs?" + bad);
            assertThat(r.status()).as(bad).isEqualTo(400);
            String field = bad.contains("until=2h") ? "until" : bad.substring(0, bad.indexOf('='));
            assertThat(r.json().get("errors").get(0).get("field").asText()).as(bad).isEqualTo(field);
        }
    }

    @Test
    void aRepeatedIdempotencyKeyReturnsTheSameJobWith200AndTheReplayHeader() {
        String body = "{\"type\":\"builtin.noop\",\"idempotencyKey\":\"order-42\"}";
        Http.Response first = http.send("POST", "/api/v1/jobs", body, Map.of());
        Http.Response second = http.send("POST", "/api/v1/jobs", body, Map.of());
        assertThat(first.status()).isEqualTo(201);
        assertThat(second.status()).isEqualTo(200);
        assertThat(second.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(second.json().get("id").asText()).isEqualTo(first.json().get("id").asText());
    }

    @Test
    void aFailingJobRetriesThenCompletesAsItsPayloadSays() {
        String id = post("/api/v1/jobs", "{\"type\":\"builtin.fail\",\"payload\":{\"times\":2},"
                + "\"backoff\":{\"base\":\"1ms\",\"factor\":1,\"cap\":\"1ms\"}}").get("id").asText();
        JsonNode done = awaitState(id, "completed");
        assertThat(done.get("attempt").asInt()).isEqualTo(3);
        assertThat(done.get("result").get("attempts").asInt()).isEqualTo(3);
    }

    @Test
    void badInputIsA400NamingEachFieldAndStoresNothing() {
        Http.Response r = http.send("POST", "/api/v1/jobs",
                "{\"type\":\"nope\",\"priority\":12,\"delay\":\"-5s\",\"queue\":\"bad queue\"}", Map.of());
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("errors")).extracting(e -> e.get("field").asText())
                .containsExactlyInAnyOrder("queue", "type", "priority", "delay");
        Http.Response batch = http.send("POST", "/api/v1/jobs/batch",
                "{\"jobs\":[{\"type\":\"builtin.noop\"},{\"type\":\"builtin.noop\",\"maxAttempts\":0}]}", Map.of());
        assertThat(batch.status()).isEqualTo(400);
        assertThat(batch.json().get("errors").get(0).get("field").asText()).isEqualTo("jobs[1].maxAttempts");
        assertThat(http.get("/api/v1/jobs").json().get("items")).as("all or nothing").isEmpty();
    }

    @Test
    void aBatchIsEnqueuedWhole() {
        JsonNode out = post("/api/v1/jobs/batch", "{\"jobs\":[{\"type\":\"builtin.noop\"},{\"type\":\"builtin.noop\"},"
                + "{\"type\":\"builtin.noop\"}]}");
        assertThat(out.get("jobs")).hasSize(3);
    }

    @Test
    void aFullQueueAnswers429WithRetryAfter() {
        assertThat(http.send("PUT", "/api/v1/queues/small", "{\"maxSize\":1,\"paused\":true}", Map.of()).status()).isEqualTo(200);
        post("/api/v1/jobs", "{\"type\":\"builtin.noop\",\"queue\":\"small\"}");
        Http.Response full = http.send("POST", "/api/v1/jobs", "{\"type\":\"builtin.noop\",\"queue\":\"small\"}", Map.of());
        assertThat(full.status()).isEqualTo(429);
        assertThat(full.header("Retry-After")).isEqualTo("1");
    }

    @Test
    void pauseResumeCancelAndTheDeadLetterQueue() {
        post("/api/v1/queues/slow/pause", "");
        String id = post("/api/v1/jobs", "{\"type\":\"builtin.noop\",\"queue\":\"slow\"}").get("id").asText();
        JsonNode queue = http.get("/api/v1/queues/slow").json();
        assertThat(queue.get("paused").asBoolean()).isTrue();
        assertThat(queue.has("completedPerSecond")).isTrue();
        assertThat(queue.get("counts").get("available").asLong()).isEqualTo(1);
        assertThat(java.time.Instant.parse(queue.get("countedAt").asText()))
                .as("read just now: a count this small is read on every call")
                .isBetween(java.time.Instant.now().minusSeconds(5), java.time.Instant.now());
        assertThat(queue.get("countsAgeSeconds").asLong()).isZero();
        assertThat(post("/api/v1/jobs/" + id + "/cancel", "").get("state").asText()).isEqualTo("cancelled");
        assertThat(http.send("POST", "/api/v1/jobs/" + id + "/cancel", "", Map.of()).status()).isEqualTo(200);
        post("/api/v1/queues/slow/resume", "");

        String dead = post("/api/v1/jobs", "{\"type\":\"builtin.fail\",\"queue\":\"dlq\",\"payload\":{\"times\":5},\"maxAttempts\":1}")
                .get("id").asText();
        awaitState(dead, "dead");
        assertThat(http.get("/api/v1/queues/dlq/dead").json().get("items")).hasSize(1);
        assertThat(post("/api/v1/queues/dlq/dead/retry", "").get("retried").asInt()).isEqualTo(1);
        awaitState(dead, "dead");
        Http.Response purged = http.send("DELETE", "/api/v1/queues/dlq/dead", null, Map.of());
        assertThat(purged.json().get("purged").asInt()).isEqualTo(1);
        assertThat(http.get("/api/v1/jobs/" + dead).status()).isEqualTo(404);
        assertThat(http.get("/api/v1/jobs/not-a-uuid").status()).isEqualTo(400);
    }

    @Test
    void healthReportsTheStoreAndMetricsCountJobs() {
        String id = post("/api/v1/jobs", "{\"type\":\"builtin.noop\"}").get("id").asText();
        awaitState(id, "completed");
        JsonNode store = http.get("/health").json().get("checks").get("store");
        assertThat(store.get("details").get("kind").asText()).isEqualTo("InMemoryJobStore");
        assertThat(store.get("details").has("queueLagMs")).isTrue();
        String metrics = http.get("/metrics").body();
        assertThat(metrics).contains("bulwark_jobs_enqueued_total{queue=\"default\",type=\"builtin.noop\"}")
                .contains("bulwark_jobs_completed_total{queue=\"default\",type=\"builtin.noop\"}")
                .contains("bulwark_jobs_depth{state=\"available\"}");
    }
}
