package io.bulwark.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.bulwark.core.state.StateStore;
import io.bulwark.server.auth.ApiKeyStore;
import io.bulwark.server.auth.CreatedKey;
import io.bulwark.server.auth.Role;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code GET | PUT /api/v1/rate-limits} and the usage of one key, over real HTTP. */
class RateLimitEndpointsTest {

    @TempDir
    Path dir;

    private final StateStore state = StateStore.inMemory(InstantSource.system());
    private BulwarkServer server;
    private Http http;
    private CreatedKey viewer;
    private CreatedKey admin;

    @BeforeEach
    void start() {
        ApiKeyStore keys = ApiKeyStore.open(dir, InstantSource.system());
        viewer = keys.create("viewer", Role.VIEWER);
        admin = keys.create("admin", Role.ADMIN);
        restart();
    }

    private void restart() {
        if (server != null) {
            server.close();
        }
        server = BulwarkServer.builder(TestServers.config(dir, Map.of(
                "ratelimit.endpoints.server.route", "GET /api/v1/server",
                "ratelimit.endpoints.server.limits", "5/1m"))).stateStore(state).build().start();
        http = new Http(server.uri());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private Http.Response put(CreatedKey key, String body) {
        return http.send("PUT", "/api/v1/rate-limits", body, Map.of("Authorization", "Bearer " + key.plaintext(),
                "Content-Type", "application/json"));
    }

    private JsonNode list() {
        Http.Response r = http.get("/api/v1/rate-limits", Map.of("Authorization", "Bearer " + viewer.plaintext()));
        assertThat(r.status()).isEqualTo(200);
        return r.json();
    }

    @Test
    void listsTheConfiguredEndpointLimits() {
        JsonNode server = list().get("endpoints").get(0);
        assertThat(server.get("name").asText()).isEqualTo("server");
        assertThat(server.get("route").asText()).isEqualTo("GET /api/v1/server");
        assertThat(server.get("limits").asText()).isEqualTo("5/1m");
        assertThat(server.get("algorithm").asText()).isEqualTo("token-bucket");
        assertThat(server.get("key").asText()).isEqualTo("apiKey");
        assertThat(server.get("source").asText()).isEqualTo("config");
    }

    @Test
    void aBadPutNamesEveryBadFieldAndChangesNothing() {
        Http.Response r = put(admin, """
                {"endpoints": {
                  "server": {"limits": "1/1m"},
                  "jobs": {"route": "POST /api/v1/jobs", "limits": "0/1m", "algorithm": "tokenbuckett"},
                  "other": {"route": "FETCH /x", "limits": "10/1w", "key": "cookie"}}}""");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("detail").asText()).isEqualTo("invalid rate limits; nothing was changed");
        Map<String, String> errors = new java.util.TreeMap<>();
        r.json().get("errors").forEach(e -> errors.put(e.get("field").asText(), e.get("message").asText()));
        assertThat(errors).containsOnlyKeys("endpoints.jobs.limits", "endpoints.jobs.algorithm", "endpoints.other.route",
                "endpoints.other.limits", "endpoints.other.key");
        assertThat(errors.get("endpoints.jobs.algorithm")).startsWith("unknown algorithm 'tokenbuckett', allowed: token-bucket");
        assertThat(errors.get("endpoints.other.limits")).contains("unknown unit 'w'");
        // the valid part of the request was not applied either
        assertThat(list().get("endpoints").get(0).get("limits").asText()).isEqualTo("5/1m");
        assertThat(list().get("endpoints")).hasSize(1);
        assertThat(state.list("rate-limits")).isEmpty();
    }

    @Test
    void aGoodPutAppliesAtOnceAndSurvivesARestart() {
        Http.Response r = put(admin, """
                {"endpoints": {"server": {"limits": "1/1h", "algorithm": "sliding-log"},
                               "usage": {"route": "GET /api/v1/rate-limits/{name}/keys/{key}", "limits": "50/1m", "key": "ip"}}}""");
        assertThat(r.status()).isEqualTo(200);
        Map<String, String> auth = Map.of("Authorization", "Bearer " + viewer.plaintext());
        assertThat(http.get("/api/v1/server", auth).status()).isEqualTo(200);
        assertThat(http.get("/api/v1/server", auth).status()).isEqualTo(429);

        Http.Response usage = http.get("/api/v1/rate-limits/server/keys/key:" + viewer.key().id(), auth);
        assertThat(usage.status()).isEqualTo(200);
        JsonNode limit = usage.json().get("limits").get(0);
        assertThat(limit.get("limit").asText()).isEqualTo("1/1h");
        assertThat(limit.get("algorithm").asText()).isEqualTo("sliding-log");
        assertThat(limit.get("used").asLong()).isEqualTo(1);
        assertThat(limit.get("remaining").asLong()).isZero();
        assertThat(usage.header("X-RateLimit-Limit")).isEqualTo("50");

        restart();
        JsonNode endpoints = list().get("endpoints");
        assertThat(endpoints).hasSize(2);
        assertThat(endpoints.get(0).get("limits").asText()).isEqualTo("1/1h");
        assertThat(endpoints.get(0).get("route").asText()).as("merged with the config").isEqualTo("GET /api/v1/server");
        assertThat(endpoints.get(0).get("source").asText()).isEqualTo("api");
        assertThat(endpoints.get(1).get("name").asText()).isEqualTo("usage");
    }

    @Test
    void changingLimitsNeedsTheAdminRoleAndUsageOfAnUnknownLimitIs404() {
        assertThat(put(viewer, "{\"endpoints\": {\"server\": {\"limits\": \"1/1m\"}}}").status()).isEqualTo(403);
        Http.Response unknown = http.get("/api/v1/rate-limits/nope/keys/k", Map.of("Authorization", "Bearer " + viewer.plaintext()));
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.json().get("detail").asText()).contains("no rate limit named 'nope'; known: [server]");
        assertThat(put(admin, "{\"endpoints\": {}}").status()).isEqualTo(400);
        assertThat(put(admin, "{\"nope\": 1}").status()).isEqualTo(400);
    }
}
