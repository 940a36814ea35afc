package io.bulwark.server;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The fleet as one server shows it: nodes, cluster, locks, drain, and a worker-only node. */
class ClusterEndpointsTest {

    @TempDir
    Path dir;

    private BulwarkServer start(Map<String, String> flags) {
        Map<String, String> all = new java.util.HashMap<>(Map.of("log.access", "false", "cluster.heartbeat", "200ms",
                "node.name", "web-1", "server.shutdown.grace", "1s"));
        all.putAll(flags);
        return BulwarkServer.builder(TestServers.config(dir, all)).configuredStore().build().start();
    }

    @Test
    void theServerListsItselfAsTheAliveLeaderOfAFleetOfOne() {
        try (BulwarkServer server = start(Map.of())) {
            Http http = new Http(server.uri());
            await().atMost(Duration.ofSeconds(10)).until(() -> http.get("/api/v1/cluster").json().path("leader").has("term"));
            JsonNode nodes = http.get("/api/v1/nodes").json().get("items");
            assertThat(nodes).hasSize(1);
            JsonNode self = nodes.get(0);
            assertThat(self.get("id").asText()).matches("web-1-[0-9a-f]{6}").isEqualTo(server.identity().id());
            assertThat(self.get("name").asText()).isEqualTo("web-1");
            assertThat(self.get("role").asText()).isEqualTo("both");
            assertThat(self.get("state").asText()).isEqualTo("alive");
            assertThat(self.get("leader").asBoolean()).isTrue();
            assertThat(self.get("term").asLong()).isPositive();
            assertThat(http.get("/api/v1/nodes/" + self.get("id").asText()).json().get("name").asText()).isEqualTo("web-1");

            JsonNode cluster = http.get("/api/v1/cluster").json();
            assertThat(cluster.get("self").asText()).isEqualTo(server.identity().id());
            assertThat(cluster.get("storeReachable").asBoolean()).isTrue();
            assertThat(cluster.get("terms")).isNotEmpty();

            JsonNode health = http.get("/health").json().get("checks").get("cluster");
            assertThat(health.get("status").asText()).isEqualTo("UP");
            assertThat(health.get("details").get("leader").asBoolean()).isTrue();
            assertThat(http.get("/metrics").body()).contains("bulwark_cluster_leader 1.0")
                    .contains("bulwark_cluster_nodes{state=\"alive\"} 1.0");
        }
    }

    @Test
    void unknownAndMalformedNodeIdsAreRefusedNamingTheField() {
        try (BulwarkServer server = start(Map.of())) {
            Http http = new Http(server.uri());
            Http.Response missing = http.get("/api/v1/nodes/nope-1");
            assertThat(missing.status()).isEqualTo(404);
            assertThat(missing.body()).contains("no live node has the id nope-1");
            assertThat(http.send("POST", "/api/v1/nodes/nope-1/drain", "", Map.of()).status()).isEqualTo(404);
            Http.Response bad = http.get("/api/v1/nodes/%20bad%20");
            assertThat(bad.status()).isEqualTo(400);
            assertThat(bad.body()).contains("\"field\":\"id\"");
        }
    }

    @Test
    void aDrainRequestStopsTheServerGracefully() {
        BulwarkServer server = start(Map.of());
        Http http = new Http(server.uri());
        Http.Response r = http.send("POST", "/api/v1/nodes/" + server.identity().id() + "/drain", "", Map.of());
        assertThat(r.status()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(15)).until(server::isShuttingDown);
        server.awaitStopped();
    }

    @Test
    void locksAreTakenRenewedAndReleasedWithGrowingTokens() {
        try (BulwarkServer server = start(Map.of())) {
            Http http = new Http(server.uri());
            Http.Response first = http.send("POST", "/api/v1/locks/reports", "{\"ttl\":\"10s\",\"owner\":\"cron-a\"}", Map.of());
            assertThat(first.status()).isEqualTo(201);
            long token = first.json().get("token").asLong();
            assertThat(first.json().get("owner").asText()).isEqualTo("cron-a");

            Http.Response taken = http.send("POST", "/api/v1/locks/reports", "{\"ttl\":\"10s\"}", Map.of());
            assertThat(taken.status()).isEqualTo(409);
            assertThat(taken.body()).contains("held by cron-a").contains("token " + token);

            assertThat(http.get("/api/v1/locks").json().get("items")).hasSize(1);
            assertThat(http.get("/api/v1/locks/reports").json().get("token").asLong()).isEqualTo(token);
            assertThat(http.send("PUT", "/api/v1/locks/reports", "{\"token\":" + token + ",\"ttl\":\"20s\"}", Map.of())
                    .status()).isEqualTo(200);
            assertThat(http.send("PUT", "/api/v1/locks/reports", "{\"token\":" + (token + 7) + "}", Map.of()).status())
                    .isEqualTo(409);
            assertThat(http.send("DELETE", "/api/v1/locks/reports?token=" + (token + 7), "", Map.of()).status())
                    .isEqualTo(409);
            assertThat(http.send("DELETE", "/api/v1/locks/reports?token=" + token, "", Map.of()).status()).isEqualTo(204);
            assertThat(http.get("/api/v1/locks/reports").status()).isEqualTo(404);

            Http.Response again = http.send("POST", "/api/v1/locks/reports", "", Map.of());
            assertThat(again.status()).isEqualTo(201);
            assertThat(again.json().get("token").asLong()).isGreaterThan(token);
            assertThat(again.json().get("owner").asText()).isEqualTo("api:open");
        }
    }

    @Test
    void badLockRequestsNameTheFieldAndWhatIsAllowed() {
        try (BulwarkServer server = start(Map.of())) {
            Http http = new Http(server.uri());
            assertThat(http.send("POST", "/api/v1/locks/a", "{\"ttl\":\"10ms\"}", Map.of()).body())
                    .contains("\"field\":\"ttl\"").contains("between 100ms and 24h");
            assertThat(http.send("POST", "/api/v1/locks/a", "{\"ttl\":\"soon\"}", Map.of()).body())
                    .contains("\"field\":\"ttl\"").contains("250ms");
            assertThat(http.send("POST", "/api/v1/locks/a", "{\"wait\":\"2m\"}", Map.of()).body())
                    .contains("\"field\":\"wait\"").contains("at most 1m");
            assertThat(http.send("POST", "/api/v1/locks/a", "{\"owner\":\"a b\"}", Map.of()).body())
                    .contains("\"field\":\"owner\"");
            assertThat(http.send("POST", "/api/v1/locks/a%20b", "{}", Map.of()).body()).contains("\"field\":\"name\"");
            Http.Response noToken = http.send("DELETE", "/api/v1/locks/a", "", Map.of());
            assertThat(noToken.status()).isEqualTo(400);
            assertThat(noToken.body()).contains("\"field\":\"token\"");
            assertThat(http.send("DELETE", "/api/v1/locks/a?token=x", "", Map.of()).body()).contains("'x'");
            assertThat(http.send("POST", "/api/v1/locks/a", "{\"tll\":\"1s\"}", Map.of()).status()).isEqualTo(400);
        }
    }

    @Test
    void aWorkerNodeServesOnlyHealthAndMetricsAndMayBindPubliclyWithoutKeys() {
        try (BulwarkServer server = start(Map.of("node.role", "worker", "server.host", "0.0.0.0"))) {
            Http http = new Http(java.net.URI.create("http://127.0.0.1:" + server.port()));
            assertThat(http.get("/health/ready").status()).isEqualTo(200);
            assertThat(http.get("/metrics").status()).isEqualTo(200);
            assertThat(http.get("/api/v1/jobs").status()).isEqualTo(404);
            assertThat(http.get("/api/v1/nodes").status()).isEqualTo(404);
            assertThat(http.get("/api/v1/keys").status()).isEqualTo(404);
            // Without a key only each check's status shows (no details for strangers on a public bind).
            assertThat(http.get("/health").json().get("checks").get("cluster").get("status").asText()).isEqualTo("UP");
            assertThat(server.identity().role().id()).isEqualTo("worker");
        }
    }

    @Test
    void badNodeSettingsStopTheStartNamingTheKey() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> start(Map.of("node.name", "web 1")))
                .isInstanceOf(StartupException.class).hasMessageContaining("node.name must be 1 to 100 letters");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> start(Map.of("jobs.serveQueues", "mail,bad queue")))
                .isInstanceOf(StartupException.class).hasMessageContaining("jobs.serveQueues");
    }
}
