package io.bulwark.server;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code GET /api/v1/resources}, the resources health check and gauges, and the limits' config. */
class ResourcesEndpointsTest {

    @TempDir
    Path dir;

    @Test
    void showsTheLiveFiguresTheirHistoryAndABreachedLimitInHealthAndMetrics() {
        // A memory limit of 0% of the container's memory is always exceeded.
        try (BulwarkServer server = TestServers.start(dir, Map.of("scaling.limits.memoryPercent", "0",
                "scaling.monitor.interval", "100ms"))) {
            Http http = new Http(server.uri());
            JsonNode body = http.get("/api/v1/resources").json();
            JsonNode figures = body.path("current").path("figures");
            assertThat(figures.path("heap.used").asDouble()).isPositive();
            assertThat(figures.path("threads").asDouble()).isPositive();
            assertThat(figures.path("memory.limit").asDouble()).isPositive();
            assertThat(body.path("limits").path("memory.percent").asDouble()).isZero();
            assertThat(body.path("limits").path("heap.percent").asDouble()).as("a default kept").isEqualTo(90.0);
            assertThat(body.path("interval").asText()).isEqualTo("100ms");

            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).untilAsserted(() -> {
                JsonNode health = http.get("/health").json().path("checks").path("resources");
                assertThat(health.path("status").asText()).isEqualTo("DEGRADED");
                assertThat(http.get("/api/v1/resources").json().path("history").size()).isGreaterThan(1);
            });
            assertThat(http.get("/health/ready").status()).as("a busy node is still ready").isEqualTo(200);
            String metrics = http.get("/metrics").body();
            assertThat(metrics).contains("bulwark_resource_value{figure=\"heap.percent\"}")
                    .contains("bulwark_resource_limit_exceeded{figure=\"memory.percent\"} 1.0");

            // since= keeps only the samples taken after the given time (the sampler goes on meanwhile, so
            // how many came since depends on the machine's pace; which ones does not)
            JsonNode kept = http.get("/api/v1/resources").json().path("history");
            java.time.Instant first = java.time.Instant.parse(kept.get(0).path("at").asText());
            JsonNode after = http.get("/api/v1/resources?since=" + first).json().path("history");
            assertThat(after.size()).isGreaterThanOrEqualTo(kept.size() - 1);
            assertThat(after).allSatisfy(sample ->
                    assertThat(java.time.Instant.parse(sample.path("at").asText())).isAfter(first));
        }
    }

    @Test
    void theServersOwnFiguresAndVirtualThreadsAreSampledAndALimitOnOneTurnsHealthDegraded() {
        try (BulwarkServer server = BulwarkServer.builder(TestServers.config(dir, Map.of("scaling.monitor.interval",
                "100ms", "scaling.limits.jobsWaiting", "5", "log.access", "false"))).configuredStore().build().start()) {
            Http http = new Http(server.uri());
            assertThat(http.send("POST", "/api/v1/queues/parked/pause", null, Map.of()).status()).isEqualTo(200);
            for (int i = 0; i < 10; i++) {
                assertThat(http.send("POST", "/api/v1/jobs", "{\"queue\":\"parked\",\"type\":\"builtin.noop\"}",
                        Map.of()).status()).isEqualTo(201);
            }
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).untilAsserted(() -> {
                JsonNode figures = http.get("/api/v1/resources").json().path("current").path("figures");
                assertThat(figures.path("jobs.waiting").asDouble()).isEqualTo(10);
                assertThat(figures.path("jobs.lagSeconds").asDouble()).isGreaterThanOrEqualTo(0);
                assertThat(figures.path("jobs.inFlight").asDouble()).isZero();
                assertThat(figures.path("http.requestsPerSec").asDouble()).isPositive();
                assertThat(figures.path("http.errorPercent").asDouble()).isZero();
                assertThat(figures.path("pool.percent").asDouble()).as("the embedded store has no pool").isEqualTo(-1);
                // JDK 24+'s scheduler MXBean (the tests run on 25): a count, not unknown.
                assertThat(figures.path("vthreads.mounted").asDouble()).isGreaterThanOrEqualTo(0);
                assertThat(figures.path("vthreads.queued").asDouble()).isGreaterThanOrEqualTo(0);
                JsonNode health = http.get("/health").json().path("checks").path("resources");
                assertThat(health.path("status").asText()).isEqualTo("DEGRADED");
                assertThat(health.toString()).contains("jobs.waiting is 10.0 (limit 5.0)");
            });
            assertThat(http.get("/metrics").body()).contains("bulwark_resource_value{figure=\"jobs.waiting\"} 10.0");
            // The breach is an event (once, when it starts), which Alertmanager and webhooks receive like the rest.
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).untilAsserted(() ->
                    assertThat(http.get("/api/v1/events?kind=resource.").json().path("events")).hasSize(1));
            JsonNode events = http.get("/api/v1/events?kind=resource.").json().path("events");
            assertThat(events.get(0).path("kind").asText()).isEqualTo("resource.limit.exceeded");
            assertThat(events.get(0).path("severity").asText()).isEqualToIgnoringCase("warning");
            assertThat(events.get(0).path("subject").asText()).isEqualTo("jobs.waiting");
            assertThat(events.get(0).path("message").asText()).contains("jobs.waiting is 10.0 (limit 5.0)");
            // Back under: the queue resumed, its jobs run.
            assertThat(http.send("POST", "/api/v1/queues/parked/resume", null, Map.of()).status()).isEqualTo(200);
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(http.get("/api/v1/events?kind=resource.limit.cleared").json().path("events")).hasSize(1));
            assertThat(http.get("/health").json().path("checks").path("resources").path("status").asText())
                    .isEqualTo("UP");
        }
    }

    @Test
    void aBadSinceIsA400NamingTheParameterAndABadLimitStopsTheStart() {
        try (BulwarkServer server = TestServers.start(dir, Map.of())) {
            Http.Response bad = new Http(server.uri()).get("/api/v1/resources?since=yesterday");
            assertThat(bad.status()).isEqualTo(400);
            assertThat(bad.body()).contains("since").contains("ISO-8601");
        }
        assertThatThrownBy(() -> TestServers.start(dir.resolve("b"), Map.of("scaling.limits.heapProcent", "80")))
                .hasMessageContaining("scaling.limits.heapProcent").hasMessageContaining("heapPercent");
    }
}
