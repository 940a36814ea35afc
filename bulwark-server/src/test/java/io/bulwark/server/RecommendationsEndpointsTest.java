package io.bulwark.server;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Each node publishes its figures; the leader's recommender turns them into VPA-style requests per deployment. */
class RecommendationsEndpointsTest {

    @TempDir
    Path dir;

    @Test
    void theNodesPublishedFiguresBecomeARecommendationForItsDeployment() {
        Map<String, String> flags = Map.of("scaling.monitor.interval", "100ms", "scaling.monitor.publish", "100ms",
                "scaling.recommender.interval", "150ms");
        try (BulwarkServer server = BulwarkServer.builder(TestServers.config(dir, flags)).configuredStore().build().start()) {
            Http http = new Http(server.uri());
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
                JsonNode d = http.get("/api/v1/scaling/recommendations").json().path("deployments");
                assertThat(d).hasSize(1);
                assertThat(d.get(0).path("samples").asLong()).isGreaterThanOrEqualTo(3);
            });
            JsonNode body = http.get("/api/v1/scaling/recommendations").json();
            assertThat(body.path("enabled").asBoolean()).isTrue();
            JsonNode d = body.path("deployments").get(0);
            assertThat(d.path("deployment").asText()).as("a serve node runs both").isEqualTo("both");
            assertThat(d.path("confidenceDays").asDouble()).as("seconds of history").isLessThan(0.01);
            JsonNode cpu = d.path("cpu");
            assertThat(cpu.path("targetMillicores").asLong()).isGreaterThanOrEqualTo(25);
            assertThat(cpu.path("upperMillicores").asLong()).as("a short history widens the upper bound")
                    .isGreaterThan(cpu.path("targetMillicores").asLong());
            JsonNode memory = d.path("memory");
            assertThat(memory.path("targetMiB").asLong()).as("at least 250Mi, and this JVM's RSS + 15%").isGreaterThanOrEqualTo(250);
            assertThat(d.path("requests").path("memory").asText()).isEqualTo(memory.path("targetMiB").asLong() + "Mi");
            assertThat(d.path("requests").path("cpu").asText()).endsWith("m");
        }
    }
}
