package io.bulwark.server;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Jobs that wait too long end {@code expired}: a job's own {@code expiresAt} or {@code discardAfter},
 * or its queue's {@code discardAfter} (config or PUT), over the API on the embedded store.
 */
class JobExpiryEndpointsTest {

    @TempDir
    Path dir;

    private BulwarkServer start(Map<String, String> extra) {
        Map<String, String> config = new java.util.HashMap<>(Map.of("log.access", "false", "jobs.pollInterval", "50ms"));
        config.putAll(extra);
        return BulwarkServer.builder(TestServers.config(dir, config)).configuredStore().build().start();
    }

    private static String state(Http http, String id) {
        return http.get("/api/v1/jobs/" + id).json().get("state").asText();
    }

    @Test
    void waitingJobsOfAPausedQueueExpireByTheirOwnDeadlineOrTheQueuesAndRetryRunsThemWithout() {
        try (BulwarkServer server = start(Map.of("jobs.queues.slow.discardAfter", "100ms",
                "jobs.queues.slow.paused", "true"))) {
            Http http = new Http(server.uri());
            assertThat(http.get("/api/v1/queues/slow").json().get("settings").get("discardAfter").asText())
                    .isEqualTo("100ms");
            // The store keeps milliseconds: a bound with nanoseconds could be above a job enqueued after it.
            Instant before = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
            JsonNode byQueue = http.send("POST", "/api/v1/jobs", "{\"type\":\"builtin.noop\",\"queue\":\"slow\"}",
                    Map.of()).json();
            JsonNode own = http.send("POST", "/api/v1/jobs", "{\"type\":\"builtin.noop\",\"queue\":\"slow\","
                    + "\"discardAfter\":\"1h\"}", Map.of()).json();
            JsonNode fixed = http.send("POST", "/api/v1/jobs", "{\"type\":\"builtin.noop\",\"queue\":\"slow\","
                    + "\"expiresAt\":\"" + before.plusMillis(200) + "\"}", Map.of()).json();
            assertThat(Instant.parse(byQueue.get("expiresAt").asText())).isBetween(before.plusMillis(100),
                    Instant.now().plusMillis(100));
            assertThat(Instant.parse(own.get("expiresAt").asText())).isAfter(before.plusSeconds(3500));

            String q = byQueue.get("id").asText();
            String f = fixed.get("id").asText();
            await().atMost(Duration.ofSeconds(5)).until(() -> state(http, q).equals("expired")
                    && state(http, f).equals("expired"));
            JsonNode expired = http.get("/api/v1/jobs/" + q).json();
            assertThat(expired.hasNonNull("finishedAt")).isTrue();
            assertThat(expired.get("history").get(expired.get("history").size() - 1).get("reason").asText())
                    .startsWith("expired: still waiting at its expiresAt");
            assertThat(state(http, own.get("id").asText())).isEqualTo("available");
            assertThat(http.get("/api/v1/jobs?state=expired").json().get("items")).hasSize(2);
            assertThat(http.get("/metrics").body()).contains("bulwark_jobs_expired_total{queue=\"slow\",type=\"builtin.noop\"} 2.0");

            assertThat(http.send("POST", "/api/v1/jobs/" + q + "/retry", "", Map.of()).json().hasNonNull("expiresAt"))
                    .isFalse();
            http.send("POST", "/api/v1/queues/slow/resume", "", Map.of());
            await().atMost(Duration.ofSeconds(5)).until(() -> state(http, q).equals("completed"));
        }
    }

    @Test
    void aQueuesDiscardAfterIsSetAndClearedOverTheApiAndKeptAcrossARestart() {
        try (BulwarkServer server = start(Map.of())) {
            Http http = new Http(server.uri());
            assertThat(http.get("/api/v1/queues/mail").json().get("settings").get("discardAfter").asText())
                    .isEqualTo("never");
            assertThat(http.send("PUT", "/api/v1/queues/mail", "{\"discardAfter\":\"10m\"}", Map.of()).status())
                    .isEqualTo(200);
            JsonNode job = http.send("POST", "/api/v1/jobs", "{\"type\":\"builtin.noop\",\"queue\":\"mail\","
                    + "\"delay\":\"1h\"}", Map.of()).json();
            assertThat(Duration.between(Instant.parse(job.get("runAt").asText()), Instant.parse(job.get("expiresAt")
                    .asText()))).as("discardAfter counts from when the job comes due").isEqualTo(Duration.ofMinutes(10));
        }
        try (BulwarkServer server = start(Map.of())) {
            Http http = new Http(server.uri());
            assertThat(http.get("/api/v1/queues/mail").json().get("settings").get("discardAfter").asText())
                    .isEqualTo("10m");
            assertThat(http.send("PUT", "/api/v1/queues/mail", "{\"discardAfter\":\"never\"}", Map.of()).status())
                    .isEqualTo(200);
            JsonNode job = http.send("POST", "/api/v1/jobs", "{\"type\":\"builtin.noop\",\"queue\":\"mail\"}",
                    Map.of()).json();
            assertThat(job.hasNonNull("expiresAt")).isFalse();
        }
    }

    @Test
    void badExpiryFieldsAre400sNamingTheFieldAndEnqueueNothing() {
        try (BulwarkServer server = start(Map.of())) {
            Http http = new Http(server.uri());
            assertField(http, "POST", "/api/v1/jobs", "{\"type\":\"builtin.noop\",\"discardAfter\":\"0s\"}",
                    "discardAfter", "1ms");
            assertField(http, "POST", "/api/v1/jobs", "{\"type\":\"builtin.noop\",\"discardAfter\":\"soon\"}",
                    "discardAfter", "");
            assertField(http, "POST", "/api/v1/jobs", "{\"type\":\"builtin.noop\",\"discardAfter\":\"1m\","
                    + "\"expiresAt\":\"2030-01-01T00:00:00Z\"}", "discardAfter", "not both");
            assertField(http, "POST", "/api/v1/jobs", "{\"type\":\"builtin.noop\",\"runAt\":\"2030-01-02T00:00:00Z\","
                    + "\"expiresAt\":\"2030-01-01T00:00:00Z\"}", "expiresAt", "must be after runAt");
            assertField(http, "POST", "/api/v1/jobs", "{\"type\":\"builtin.noop\",\"expiresAt\":\"+99999-01-01T00:00:00Z\"}",
                    "expiresAt", "9999-12-31");
            assertField(http, "PUT", "/api/v1/queues/mail", "{\"discardAfter\":\"3651d\"}", "discardAfter", "3650d");
            assertThat(http.get("/api/v1/jobs").json().get("items")).isEmpty();
        }
    }

    private static void assertField(Http http, String method, String path, String body, String field, String says) {
        Http.Response r = http.send(method, path, body, Map.of());
        assertThat(r.status()).as(body).isEqualTo(400);
        assertThat(r.json().get("errors").get(0).get("field").asText()).as(body).isEqualTo(field);
        assertThat(r.json().get("errors").get(0).get("message").asText()).as(body).contains(says);
    }
}
