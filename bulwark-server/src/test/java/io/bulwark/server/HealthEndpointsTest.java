package io.bulwark.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.bulwark.core.health.HealthCheck;
import io.bulwark.core.health.HealthResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class HealthEndpointsTest {

    @TempDir
    Path dir;

    @Test
    void liveAndReadyAnswerUpAndHealthListsStoreDiskAndMemoryWithLatency() {
        try (BulwarkServer server = TestServers.start(dir)) {
            Http http = new Http(server.uri());
            assertThat(http.get("/health/live").status()).isEqualTo(200);
            assertThat(http.get("/health/live").json().get("status").asText()).isEqualTo("UP");
            assertThat(http.get("/health/ready").status()).isEqualTo(200);

            Http.Response health = http.get("/health");
            assertThat(health.status()).isEqualTo(200);
            JsonNode body = health.json();
            assertThat(body.get("status").asText()).isIn("healthy", "degraded");
            for (String check : List.of("store", "diskSpace", "memory")) {
                JsonNode c = body.get("checks").get(check);
                assertThat(c).as(check).isNotNull();
                assertThat(c.get("status").asText()).isIn("UP", "DEGRADED");
                assertThat(c.get("latencyMs").asDouble()).isGreaterThanOrEqualTo(0);
                assertThat(c.get("details").isObject()).isTrue();
            }
            assertThat(body.get("checks").get("store").get("status").asText()).isEqualTo("UP");
        }
    }

    @Test
    void readyIs503NamingTheFailingReadinessCheckAndHealthIsUnhealthy() {
        HealthCheck broker = HealthCheck.of("broker", () -> HealthResult.down(Map.of("error", "connection refused")));
        try (BulwarkServer server = TestServers.start(dir, Map.of(), List.of(broker))) {
            Http http = new Http(server.uri());
            Http.Response ready = http.get("/health/ready");
            assertThat(ready.status()).isEqualTo(503);
            assertThat(ready.json().get("reason").asText()).contains("broker");
            assertThat(ready.json().get("failing").get(0).get("details").get("error").asText()).isEqualTo("connection refused");

            Http.Response health = http.get("/health");
            assertThat(health.status()).isEqualTo(503);
            assertThat(health.json().get("status").asText()).isEqualTo("unhealthy");
            assertThat(http.get("/health/live").status()).isEqualTo(200);
        }
    }

    @Test
    void aDownCheckThatDoesNotGateReadinessMakesHealthDegradedButKeepsReady() {
        HealthCheck cache = new HealthCheck() {
            @Override
            public String name() {
                return "cache";
            }

            @Override
            public boolean readiness() {
                return false;
            }

            @Override
            public HealthResult check() {
                return HealthResult.down(Map.of());
            }
        };
        try (BulwarkServer server = TestServers.start(dir, Map.of(), List.of(cache))) {
            Http http = new Http(server.uri());
            assertThat(http.get("/health/ready").status()).isEqualTo(200);
            Http.Response health = http.get("/health");
            assertThat(health.status()).isEqualTo(200);
            assertThat(health.json().get("status").asText()).isEqualTo("degraded");
        }
    }

    @Test
    void aSlowCheckIsReportedAsTimedOutWithinTheTimeout() {
        CountDownLatch never = new CountDownLatch(1);
        HealthCheck slow = HealthCheck.of("slow", () -> {
            never.await();
            return HealthResult.up(Map.of());
        });
        try (BulwarkServer server = TestServers.start(dir, Map.of("health.timeout", "200ms"), List.of(slow))) {
            Http.Response ready = new Http(server.uri()).get("/health/ready");
            assertThat(ready.status()).isEqualTo(503);
            JsonNode failing = ready.json().get("failing").get(0);
            assertThat(failing.get("name").asText()).isEqualTo("slow");
            assertThat(failing.get("details").get("error").asText()).isEqualTo("timed out after 200ms");
            assertThat(failing.get("latencyMs").asDouble()).isEqualTo(200.0);
        } finally {
            never.countDown();
        }
    }

    @Test
    void readinessTurns503AsSoonAsShutdownBeginsWhileLivenessStillAnswers() throws InterruptedException {
        BulwarkServer server = TestServers.start(dir, Map.of("server.shutdown.drainDelay", "2s"));
        Http http = new Http(server.uri());
        assertThat(http.get("/health/ready").status()).isEqualTo(200);
        Thread stopper = Thread.ofVirtual().start(server::shutdown);
        await().atMost(Duration.ofSeconds(2)).until(server::isShuttingDown);
        Http.Response ready = http.get("/health/ready");
        assertThat(ready.status()).isEqualTo(503);
        assertThat(ready.json().get("reason").asText()).isEqualTo("shutting down");
        assertThat(http.get("/health/live").status()).isEqualTo(200);
        server.awaitStopped();
        assertThat(stopper.join(Duration.ofSeconds(5))).isTrue();
    }

    @Test
    void anInFlightRequestFinishesDuringGracefulShutdown() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        // A health check that blocks stands in for a slow request: /health waits on it.
        HealthCheck gate = new HealthCheck() {
            @Override
            public String name() {
                return "gate";
            }

            @Override
            public boolean readiness() {
                return false;
            }

            @Override
            public HealthResult check() throws Exception {
                entered.countDown();
                release.await();
                return HealthResult.up(Map.of());
            }
        };
        BulwarkServer server = TestServers.start(dir, Map.of("health.timeout", "30s", "server.shutdown.grace", "10s"),
                List.of(gate));
        Http http = new Http(server.uri());
        var slow = java.util.concurrent.CompletableFuture.supplyAsync(() -> http.get("/health"));
        assertThat(entered.await(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        Thread stopper = Thread.ofVirtual().start(server::shutdown);
        await().atMost(Duration.ofSeconds(2)).until(server::isShuttingDown);
        assertThat(stopper.isAlive()).as("shutdown waits for the in-flight request").isTrue();
        release.countDown();
        Http.Response finished = slow.get(5, java.util.concurrent.TimeUnit.SECONDS);
        // It completes with a full response; the server reports itself unhealthy while stopping.
        assertThat(finished.status()).isEqualTo(503);
        assertThat(finished.json().get("reason").asText()).isEqualTo("shutting down");
        assertThat(finished.json().get("checks").get("gate").get("status").asText()).isEqualTo("UP");
        server.awaitStopped();
    }

    @Test
    void anonymousCallersSeeOnlyStatusesOnceKeysExistAndKeyHoldersSeeDetails() {
        String viewer = io.bulwark.server.auth.ApiKeyStore.open(dir, java.time.InstantSource.system())
                .create("viewer", io.bulwark.server.auth.Role.VIEWER).plaintext();
        HealthCheck broker = HealthCheck.of("broker", () -> HealthResult.down(Map.of("error", "refused by 10.0.0.7")));
        try (BulwarkServer server = TestServers.start(dir, Map.of(), List.of(broker))) {
            Http http = new Http(server.uri());
            for (Map<String, String> anonymous : List.of(Map.<String, String>of(), Http.bearer("not-a-key"))) {
                Http.Response health = http.get("/health", anonymous);
                assertThat(health.status()).isEqualTo(503);
                assertThat(health.json().get("status").asText()).isEqualTo("unhealthy");
                JsonNode store = health.json().get("checks").get("store");
                assertThat(store.get("status").asText()).isEqualTo("UP");
                assertThat(store.has("details")).isFalse();
                assertThat(store.has("latencyMs")).isFalse();
                assertThat(health.body()).doesNotContain(dir.toString()).doesNotContain("10.0.0.7");
                Http.Response ready = http.get("/health/ready", anonymous);
                assertThat(ready.status()).isEqualTo(503);
                assertThat(ready.json().get("reason").asText()).contains("broker");
                assertThat(ready.body()).doesNotContain("10.0.0.7");
            }
            assertThat(http.get("/health/live").status()).isEqualTo(200);

            Http.Response detailed = http.get("/health", Http.bearer(viewer));
            assertThat(detailed.json().get("checks").get("store").get("details").isObject()).isTrue();
            assertThat(detailed.json().get("checks").get("memory").get("details").size()).isPositive();
            assertThat(http.get("/health/ready", Http.bearer(viewer)).body()).contains("10.0.0.7");
        }
    }
}
