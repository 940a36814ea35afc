package io.bulwark.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.bulwark.test.http.FlakyServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A new provider version rolled out to a share of the gateway's calls with the {@code bulwark}
 * driver over a provider group: real HTTP calls through {@code POST /api/v1/providers/{group}/call}
 * to two real HTTP servers, counted by the provider that answered at each step.
 */
class RolloutProviderGroupTest {

    @TempDir
    Path dir;

    private final FlakyServer v1 = FlakyServer.start("v1").succeed("{\"from\":\"v1\"}");
    private final FlakyServer v2 = FlakyServer.start("v2").succeed("{\"from\":\"v2\"}");

    @AfterEach
    void stop() {
        v1.close();
        v2.close();
    }

    /** Sends {@code n} gateway calls and counts them by the provider that answered. */
    private static Map<String, Integer> calls(Http http, int n) {
        Map<String, Integer> by = new HashMap<>();
        for (int i = 0; i < n; i++) {
            Http.Response r = http.send("POST", "/api/v1/providers/llm/call?path=/v1/chat", "{}", Map.of());
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            by.merge(r.headers().firstValue("X-Bulwark-Provider").orElse("?"), 1, Integer::sum);
        }
        return by;
    }

    private static void awaitWeight(Http http, int weight, String phase) {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            JsonNode r = http.get("/api/v1/rollouts/llm-v2").json();
            assertThat(r.path("weight").asInt()).isEqualTo(weight);
            assertThat(r.path("phase").asText()).isEqualTo(phase);
        });
    }

    @Test
    void aNewProviderVersionTakesEachStepsShareOfTheGatewaysCallsAndAnAbortTakesItAllBack() {
        try (BulwarkServer server = BulwarkServer.builder(TestServers.config(dir, Map.of("rollouts.interval", "100ms")))
                .configuredStore().build().start()) {
            Http http = new Http(server.uri());
            Http.Response group = http.send("PUT", "/api/v1/providers/llm", """
                    {"strategy": "weighted", "providers": [
                      {"name": "v1", "baseUrl": "%s", "weight": 1},
                      {"name": "v2", "baseUrl": "%s", "weight": 1}]}""".formatted(v1.uri(), v2.uri()), Map.of());
            assertThat(group.status()).as(group.body()).isEqualTo(200);
            String rollout = """
                    {"name": "llm-v2", "driver": {"type": "bulwark", "providerGroup": "llm", "stable": "v1", "canary": "v2"},
                     "strategy": {"canary": {"steps": [{"setWeight": 20}, {"pause": {}}, {"setWeight": 50}, {"pause": {}},
                                                       {"setWeight": 100}]}}}""";
            Http.Response started = http.send("POST", "/api/v1/rollouts", rollout, Map.of());
            assertThat(started.status()).as(started.body()).isIn(200, 201);

            awaitWeight(http, 20, "PAUSED");
            Map<String, Integer> at20 = calls(http, 200);
            assertThat(at20.getOrDefault("v2", 0)).as("20%% of 200: %s", at20).isBetween(34, 46);
            assertThat(at20.get("v1") + at20.getOrDefault("v2", 0)).isEqualTo(200);

            assertThat(http.send("POST", "/api/v1/rollouts/llm-v2/resume", null, Map.of()).status()).isEqualTo(200);
            awaitWeight(http, 50, "PAUSED");
            Map<String, Integer> at50 = calls(http, 200);
            assertThat(at50.getOrDefault("v2", 0)).as("50%% of 200: %s", at50).isBetween(94, 106);

            assertThat(http.send("POST", "/api/v1/rollouts/llm-v2/abort", null, Map.of()).status()).isEqualTo(200);
            awaitWeight(http, 0, "DEGRADED");
            assertThat(calls(http, 100)).as("all back on the stable version").containsOnlyKeys("v1");
            JsonNode providers = http.get("/api/v1/providers/llm").json();
            assertThat(providers.toString()).as("the rolled-back provider left the group and its fallback chain")
                    .doesNotContain("\"v2\"");

            assertThat(http.send("POST", "/api/v1/rollouts/llm-v2/retry", null, Map.of()).status()).isEqualTo(200);
            awaitWeight(http, 20, "PAUSED");
            assertThat(http.send("POST", "/api/v1/rollouts/llm-v2/promote", null, Map.of()).status()).isEqualTo(200);
            awaitWeight(http, 100, "HEALTHY");
            assertThat(calls(http, 100)).as("all on the new version").containsOnlyKeys("v2");
        }
    }

    @Test
    void aGroupThatIgnoresWeightsOrAnUnknownProviderIsRefusedAtStartNamingTheSetting() {
        try (BulwarkServer server = BulwarkServer.builder(TestServers.config(dir, Map.of())).configuredStore().build().start()) {
            Http http = new Http(server.uri());
            http.send("PUT", "/api/v1/providers/rr", """
                    {"strategy": "round-robin", "providers": [{"name": "a", "baseUrl": "%s"}, {"name": "b", "baseUrl": "%s"}]}"""
                    .formatted(v1.uri(), v2.uri()), Map.of());
            Http.Response rr = http.send("POST", "/api/v1/rollouts", """
                    {"name": "x", "driver": {"type": "bulwark", "providerGroup": "rr", "stable": "a", "canary": "b"},
                     "strategy": {"canary": {"steps": [{"setWeight": 100}]}}}""", Map.of());
            assertThat(rr.status()).isEqualTo(400);
            assertThat(rr.body()).contains("driver.providerGroup").contains("ignores weights");
            Http.Response unknown = http.send("POST", "/api/v1/rollouts", """
                    {"name": "x", "driver": {"type": "bulwark", "providerGroup": "rr", "stable": "a", "canary": "zz"},
                     "strategy": {"canary": {"steps": [{"setWeight": 100}]}}}""", Map.of());
            assertThat(unknown.status()).isEqualTo(400);
            assertThat(http.get("/api/v1/rollouts").json().path("rollouts").size()).as("nothing started").isZero();
        }
    }
}
