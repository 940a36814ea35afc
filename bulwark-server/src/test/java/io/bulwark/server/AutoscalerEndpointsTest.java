package io.bulwark.server;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The autoscaler in the server: dry-run decisions from waiting jobs, kept and listed; bad config. */
class AutoscalerEndpointsTest {

    @TempDir
    Path dir;

    private static BulwarkServer start(Path dir, Map<String, String> flags) {
        return BulwarkServer.builder(TestServers.config(dir, flags)).configuredStore().build().start();
    }

    @Test
    void aQueueLagTargetScalesOnTheAgeOfTheOldestWaitingJob() {
        Map<String, String> flags = new HashMap<>(Map.of("scaling.autoscaler.enabled", "true",
                "scaling.autoscaler.interval", "200ms", "scaling.autoscaler.waitingJobsPerWorker", "1000",
                "scaling.autoscaler.queueLagSeconds", "60", "scaling.autoscaler.queues", "mail",
                "scaling.autoscaler.maxReplicas", "20"));
        io.bulwark.core.time.SettableClock clock = io.bulwark.core.time.SettableClock.at(java.time.Instant.now());
        try (BulwarkServer server = BulwarkServer.builder(TestServers.config(dir, flags)).clock(clock).configuredStore()
                .build().start()) {
            Http http = new Http(server.uri());
            assertThat(http.send("PUT", "/api/v1/queues/mail", "{\"paused\":true}", Map.of()).status()).isEqualTo(200);
            // One job, still waiting ten minutes later (the store's and the autoscaler's clock): 600 s behind.
            assertThat(http.send("POST", "/api/v1/jobs", "{\"type\":\"builtin.noop\",\"queue\":\"mail\"}", Map.of())
                    .status()).isEqualTo(201);
            clock.advance(Duration.ofMinutes(10));

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(http.get("/api/v1/scaling").json().path("last").path("recommended").asInt()).isGreaterThan(1));
            JsonNode status = http.get("/api/v1/scaling").json();
            assertThat(status.path("policy").path("queueLagSeconds").asDouble()).isEqualTo(60.0);
            JsonNode last = status.path("last");
            JsonNode lag = null;
            for (JsonNode p : last.path("proposals")) {
                if (p.path("metric").asText().equals("queue_lag_seconds")) {
                    lag = p;
                }
            }
            assertThat(lag).isNotNull();
            assertThat(lag.path("replicas").asInt()).as("ceil(1 x 600 / 60)").isEqualTo(10);
            assertThat(last.path("recommended").asInt()).as("the largest proposal").isEqualTo(lag.path("replicas").asInt());
            assertThat(last.path("desired").asInt()).as("max(1 + 4, 1 x 2): the scale-up policy").isEqualTo(5);
            assertThat(http.get("/api/v1/scaling/metric").json().path("queueLagSeconds").asDouble()).isEqualTo(600.0);
        }
    }

    @Test
    void targetsOfOneQueueEachProposeFromThatQueueAlone() {
        Map<String, String> flags = new HashMap<>(Map.of("scaling.autoscaler.enabled", "true",
                "scaling.autoscaler.interval", "200ms", "scaling.autoscaler.waitingJobsPerWorker", "1000",
                "scaling.autoscaler.queue.mail.waitingJobsPerWorker", "5",
                "scaling.autoscaler.queue.etl.queueLagSeconds", "120", "scaling.autoscaler.maxReplicas", "20"));
        io.bulwark.core.time.SettableClock clock = io.bulwark.core.time.SettableClock.at(java.time.Instant.now());
        try (BulwarkServer server = BulwarkServer.builder(TestServers.config(dir, flags)).clock(clock).configuredStore()
                .build().start()) {
            Http http = new Http(server.uri());
            for (String q : new String[] {"mail", "etl"}) {
                assertThat(http.send("PUT", "/api/v1/queues/" + q, "{\"paused\":true}", Map.of()).status()).isEqualTo(200);
            }
            http.send("POST", "/api/v1/jobs", "{\"type\":\"builtin.noop\",\"queue\":\"etl\"}", Map.of());
            clock.advance(Duration.ofMinutes(4)); // etl: one job 240 s behind
            for (int i = 0; i < 15; i++) { // mail: 15 waiting, just enqueued
                http.send("POST", "/api/v1/jobs", "{\"type\":\"builtin.noop\",\"queue\":\"mail\"}", Map.of());
            }
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(proposals(http.get("/api/v1/scaling").json().path("last"))).containsEntry(
                            "waiting_jobs:mail", 3).containsEntry("queue_lag_seconds:etl", 2));
            Map<String, Integer> proposed = proposals(http.get("/api/v1/scaling").json().path("last"));
            assertThat(proposed).as("ceil(16 / 1000) fleet-wide").containsEntry("waiting_jobs", 1)
                    .as("ceil(15 / 5) for mail, ceil(240 / 120) for etl").containsEntry("waiting_jobs:mail", 3)
                    .containsEntry("queue_lag_seconds:etl", 2);
            assertThat(http.get("/api/v1/scaling").json().path("last").path("recommended").asInt()).isEqualTo(3);
            assertThat(http.get("/api/v1/scaling").json().path("policy").path("perQueue").toString())
                    .isEqualTo("{\"etl\":{\"queueLagSeconds\":120.0},\"mail\":{\"waitingJobsPerWorker\":5.0}}");
        }
    }

    private static Map<String, Integer> proposals(JsonNode decision) {
        Map<String, Integer> m = new HashMap<>();
        decision.path("proposals").forEach(p -> m.put(p.path("metric").asText(), p.path("replicas").asInt()));
        return m;
    }

    @Test
    void decidesFromTheWaitingJobsRecordsEachDecisionAndAppliesNoneInDryRun() {
        Map<String, String> flags = new HashMap<>(Map.of("scaling.autoscaler.enabled", "true",
                "scaling.autoscaler.interval", "200ms", "scaling.autoscaler.waitingJobsPerWorker", "10",
                "scaling.autoscaler.queues", "mail", "scaling.autoscaler.maxReplicas", "20"));
        try (BulwarkServer server = start(dir, flags)) {
            Http http = new Http(server.uri());
            assertThat(http.send("PUT", "/api/v1/queues/mail", "{\"paused\":true}", Map.of()).status()).isEqualTo(200);
            for (int i = 0; i < 50; i++) {
                http.send("POST", "/api/v1/jobs", "{\"type\":\"builtin.noop\",\"queue\":\"mail\"}", Map.of());
            }
            http.send("POST", "/api/v1/jobs", "{\"type\":\"builtin.noop\",\"queue\":\"other\"}", Map.of());

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                JsonNode last = http.get("/api/v1/scaling").json().path("last");
                assertThat(last.path("waitingJobs").asDouble()).as("only the mail queue counts").isEqualTo(50.0);
            });
            JsonNode status = http.get("/api/v1/scaling").json();
            assertThat(status.path("enabled").asBoolean()).isTrue();
            assertThat(status.path("driver").asText()).isEqualTo("dry-run");
            assertThat(status.path("policy").path("waitingJobsPerWorker").asDouble()).isEqualTo(10.0);
            JsonNode last = status.path("last");
            assertThat(last.path("current").asInt()).as("one node runs jobs").isEqualTo(1);
            assertThat(last.path("recommended").asInt()).as("ceil(50 / 10)").isEqualTo(5);
            assertThat(last.path("desired").asInt()).as("max(1 + 4, 1 × 2)").isEqualTo(5);
            assertThat(last.path("applied").asBoolean()).isFalse();
            assertThat(last.path("note").asText()).isEqualTo("dry-run: not applied");
            assertThat(last.path("proposals").get(0).path("metric").asText()).isEqualTo("waiting_jobs");

            await().atMost(Duration.ofSeconds(10)).until(() ->
                    http.get("/api/v1/scaling/decisions?limit=3").json().path("decisions").size() == 3);
            JsonNode decisions = http.get("/api/v1/scaling/decisions?limit=3").json().path("decisions");
            assertThat(decisions.get(0).path("desired").asInt()).as("dry-run does not use up the rate").isEqualTo(5);
            assertThat(http.get("/metrics").body()).contains("bulwark_scaling_replicas{kind=\"desired\"} 5.0")
                    .contains("bulwark_scaling_decisions_total{applied=\"false\"");

            JsonNode metric = http.get("/api/v1/scaling/metric").json();
            assertThat(metric.path("waitingJobs").asDouble()).isEqualTo(50.0);
            assertThat(metric.path("desiredReplicas").asInt()).as("what KEDA's metrics-api scaler reads").isEqualTo(5);
            assertThat(metric.path("decidedAt").asText()).isNotEmpty();

            Http.Response bad = http.get("/api/v1/scaling/decisions?limit=0");
            assertThat(bad.status()).isEqualTo(400);
            assertThat(bad.body()).contains("limit").contains("1 to 1000");
        }
    }

    @Test
    void aPolicySetOverTheApiDecidesFromTheNextDecisionAndGoesAwayOnDelete() {
        Map<String, String> flags = Map.of("scaling.autoscaler.enabled", "true", "scaling.autoscaler.interval", "200ms",
                "scaling.autoscaler.waitingJobsPerWorker", "10", "scaling.autoscaler.queues", "mail",
                "scaling.autoscaler.maxReplicas", "20");
        try (BulwarkServer server = start(dir, flags)) {
            Http http = new Http(server.uri());
            assertThat(http.send("PUT", "/api/v1/queues/mail", "{\"paused\":true}", Map.of()).status()).isEqualTo(200);
            for (int i = 0; i < 50; i++) {
                http.send("POST", "/api/v1/jobs", "{\"type\":\"builtin.noop\",\"queue\":\"mail\"}", Map.of());
            }
            assertThat(http.get("/api/v1/scaling").json().path("policy").path("source").asText()).isEqualTo("config");

            Http.Response put = http.send("PUT", "/api/v1/scaling/policy", """
                    {"minReplicas": 1, "maxReplicas": 3, "waitingJobsPerWorker": 25,
                     "behavior": {"scaleUp": {"policies": [{"type": "Pods", "value": 1, "period": "1m"}]}}}""", Map.of());
            assertThat(put.status()).as(put.body()).isEqualTo(200);
            JsonNode policy = put.json().path("policy");
            assertThat(policy.path("source").asText()).isEqualTo("api");
            assertThat(policy.path("maxReplicas").asInt()).isEqualTo(3);
            assertThat(policy.path("waitingJobsPerWorker").asDouble()).isEqualTo(25.0);
            assertThat(policy.path("behavior").path("scaleUp").path("policies").get(0).path("type").asText()).isEqualTo("Pods");
            assertThat(policy.path("behavior").path("scaleDown").path("stabilizationWindow").asText()).as("the HPA's default")
                    .isEqualTo("5m");

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                JsonNode last = http.get("/api/v1/scaling").json().path("last");
                assertThat(last.path("recommended").asInt()).as("ceil(50 / 25)").isEqualTo(2);
                assertThat(last.path("desired").asInt()).as("one pod per minute").isEqualTo(2);
            });

            Http.Response bad = http.send("PUT", "/api/v1/scaling/policy", """
                    {"minReplicas": 4, "maxReplicas": 3, "waitingJobsPerWorker": 25, "surge": 1,
                     "behavior": {"scaleDown": {"policies": [{"type": "Pods", "value": 1, "period": "2h"}]}}}""", Map.of());
            assertThat(bad.status()).isEqualTo(400);
            assertThat(bad.body()).contains("maxReplicas").contains("surge").contains("behavior.scaleDown.policies[0].period")
                    .contains("nothing was changed");
            assertThat(http.get("/api/v1/scaling").json().path("policy").path("maxReplicas").asInt()).isEqualTo(3);

            assertThat(http.send("DELETE", "/api/v1/scaling/policy", null, Map.of()).json().path("policy")
                    .path("source").asText()).isEqualTo("config");
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(http.get("/api/v1/scaling").json()
                    .path("last").path("recommended").asInt()).as("ceil(50 / 10) again").isEqualTo(5));
        }
    }

    @Test
    void aMemoryTargetReadsTheWorkersPublishedFigures() {
        // The node's RSS is at least 0.2% of its memory limit (a JVM of 50 MiB on 24 GiB): the memory proposal asks for more workers.
        Map<String, String> flags = Map.of("scaling.autoscaler.enabled", "true", "scaling.autoscaler.interval", "200ms",
                "scaling.autoscaler.memoryPercent", "0.1", "scaling.monitor.interval", "100ms",
                "scaling.monitor.publish", "100ms", "scaling.autoscaler.maxReplicas", "20");
        try (BulwarkServer server = start(dir, flags)) {
            Http http = new Http(server.uri());
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                JsonNode last = http.get("/api/v1/scaling").json().path("last");
                JsonNode memory = null;
                for (JsonNode p : last.path("proposals")) {
                    if (p.path("metric").asText().equals("memory")) {
                        memory = p;
                    }
                }
                assertThat(memory).as("a memory proposal").isNotNull();
                assertThat(memory.path("replicas").asInt()).as(memory.toString()).isGreaterThan(1);
                assertThat(memory.path("note").asText()).isEqualTo("ratio × 1 pods");
            });
            assertThat(http.get("/api/v1/scaling").json().path("policy").path("memoryPercent").asDouble()).isEqualTo(0.1);
        }
    }

    @Test
    void requestRateAndErrorPercentTargetsReadTheWorkersPublishedRates() {
        // A provider on a port nobody listens on: each gateway call is a 503, a server error.
        Map<String, String> flags = new java.util.HashMap<>(Map.of("scaling.autoscaler.enabled", "true",
                "scaling.autoscaler.interval", "200ms", "scaling.autoscaler.requestsPerSecond", "1",
                "scaling.autoscaler.errorPercent", "10", "scaling.monitor.interval", "100ms",
                "scaling.monitor.publish", "100ms", "scaling.autoscaler.maxReplicas", "50"));
        flags.putAll(Map.of("providers.down.group", "g", "providers.down.baseUrl", "http://127.0.0.1:9",
                "providers.down.timeout", "1s"));
        try (BulwarkServer server = start(dir, flags)) {
            Http http = new Http(server.uri());
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
                for (int i = 0; i < 20; i++) {
                    http.get("/api/v1/server");
                    http.send("POST", "/api/v1/providers/g/call", "{}", Map.of());
                }
                Map<String, JsonNode> proposals = new java.util.HashMap<>();
                http.get("/api/v1/scaling").json().path("last").path("proposals")
                        .forEach(p -> proposals.put(p.path("metric").asText(), p));
                assertThat(proposals).as(proposals.toString()).containsKeys("requests_per_second", "error_percent");
                assertThat(proposals.get("requests_per_second").path("replicas").asInt())
                        .as("well over one request a second: more than one worker").isGreaterThan(1);
                assertThat(proposals.get("error_percent").path("replicas").asInt())
                        .as("about half the answers are 503s, against a 10 % target").isGreaterThan(1);
            });
            JsonNode policy = http.get("/api/v1/scaling").json().path("policy");
            assertThat(policy.path("requestsPerSecond").asDouble()).isEqualTo(1.0);
            assertThat(policy.path("errorPercent").asDouble()).isEqualTo(10.0);
        }
    }

    @Test
    void offByDefaultAndBadSettingsStopTheStartNamingTheKey() {
        try (BulwarkServer server = start(dir, Map.of())) {
            JsonNode status = new Http(server.uri()).get("/api/v1/scaling").json();
            assertThat(status.path("enabled").asBoolean()).isFalse();
            assertThat(status.path("last").isNull() || status.path("last").isMissingNode()).as("no decision yet").isTrue();
            JsonNode metric = new Http(server.uri()).get("/api/v1/scaling/metric").json();
            assertThat(metric.path("desiredReplicas").isNull() || metric.path("desiredReplicas").isMissingNode()).isTrue();
        }
        assertThatThrownBy(() -> start(dir.resolve("k"), Map.of("scaling.autoscaler.enabled", "true",
                "scaling.autoscaler.driver", "kubernetes"))).hasMessageContaining("scaling.autoscaler.kubernetes.deployment");
        assertThatThrownBy(() -> start(dir.resolve("m"), Map.of("scaling.autoscaler.minReplicas", "5",
                "scaling.autoscaler.maxReplicas", "2"))).hasMessageContaining("scaling.autoscaler.maxReplicas (2)");
    }
}
