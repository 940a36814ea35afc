package io.bulwark.server;

import io.bulwark.jobs.store.InMemoryJobStore;
import io.bulwark.server.internal.jobs.QueuePersistence;
import io.bulwark.test.http.FlakyServer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every POST and PUT route that takes a JSON body, each with a valid body, on a server started for
 * hostile-input tests (the jqwik mutation property and the Jazzer fuzz tests): an admin key, a
 * provider group on a local upstream, jobs in memory, a run waiting for an approval, a messaging
 * connection on the local Redis, an L1 cache.
 */
final class BodyRoutes implements AutoCloseable {

    static final String ADMIN = "fuzz-admin-key-0123456789abcdef0123456789";

    /** A route and a valid body for it. */
    record Route(String method, String path, String seed) {
    }

    private static final String BACKOFF = "{\"base\":\"1s\",\"factor\":2,\"cap\":\"1m\"}";
    private static final String JOB = "{\"type\":\"builtin.noop\",\"queue\":\"fuzz\",\"priority\":3,\"delay\":\"1s\","
            + "\"maxAttempts\":3,\"backoff\":" + BACKOFF + ",\"timeout\":\"1m\",\"idempotencyKey\":\"k1\","
            + "\"tags\":[\"a\"],\"payload\":{\"x\":1},\"discardAfter\":\"10m\"}";
    private static final String BREAKER = "{\"windowType\":\"count\",\"windowSize\":10,\"minimumCalls\":5,"
            + "\"failureRateThreshold\":50,\"slowCallRateThreshold\":90,\"slowCallDuration\":\"2s\",\"consecutiveFailures\":3,"
            + "\"waitInOpen\":\"1s\",\"waitMultiplier\":2,\"maxWait\":\"10s\",\"halfOpenProbes\":1,\"successesToClose\":1,"
            + "\"probeTimeout\":\"5s\",\"shared\":false}";
    private static final String DEGRADATION = "{\"triggers\":[\"breaker-open\"],\"errorRatePercent\":50,"
            + "\"latencyThreshold\":\"5s\",\"window\":\"1m\",\"minimumCalls\":10,\"actions\":[\"fallback\",\"default\",\"error\"],"
            + "\"maxStaleness\":\"5m\",\"defaultStatus\":200,\"defaultBody\":\"{}\"}";

    private static final String SCHEDULE = "\"cron\":\"0 30 2 * * *\",\"flavour\":\"spring\",\"zone\":\"Europe/Berlin\","
            + "\"job\":{\"queue\":\"fuzz\",\"type\":\"builtin.noop\",\"payload\":{\"x\":1},\"priority\":3,\"maxAttempts\":2},"
            + "\"misfire\":\"catch-up\",\"catchUpLimit\":3,\"misfireThreshold\":\"2m\",\"overlap\":\"queue\","
            + "\"jitter\":\"5s\",\"startAt\":\"2030-01-01T00:00:00Z\",\"endAt\":\"2031-01-01T00:00:00Z\",\"paused\":false,"
            + "\"description\":\"fuzz\"}";

    /** A pipeline using every field a definition has. */
    private static final String PIPELINE = "{\"id\":\"fuzz\",\"version\":1,\"inputSchema\":{\"type\":\"object\","
            + "\"required\":[\"day\"],\"properties\":{\"day\":{\"type\":\"string\"},\"n\":{\"type\":\"integer\"}}},"
            + "\"steps\":[{\"id\":\"a\",\"type\":\"builtin.echo\",\"input\":{\"day\":\"${input.day}\",\"xs\":[1,2]},"
            + "\"retry\":{\"maxAttempts\":3,\"backoff\":" + BACKOFF + "},\"timeout\":\"30s\",\"onFailure\":\"continue\"},"
            + "{\"id\":\"b\",\"type\":\"builtin.echo\",\"after\":[{\"step\":\"a\",\"when\":\"${input.n > 1}\"}],"
            + "\"forEach\":\"${steps.a.output.xs}\",\"parallelism\":2,\"input\":{\"x\":\"${item}\"},"
            + "\"onFailure\":{\"fallback\":\"c\"}},{\"id\":\"c\",\"type\":\"builtin.noop\"}]}";

    /** A pipeline that waits for an approval, so approve and reject reach a waiting step. */
    private static final String APPROVAL = "{\"id\":\"fuzz-approval\",\"steps\":[{\"id\":\"ok\",\"type\":\"approval\","
            + "\"input\":{\"timeout\":\"1h\"}}]}";

    final FlakyServer upstream;
    final BulwarkServer server;
    final Http http;
    final List<Route> routes;

    BodyRoutes() throws IOException {
        Path dir = Files.createTempDirectory("bulwark-fuzz");
        upstream = FlakyServer.start("fuzz-upstream");
        upstream.succeed("ok");
        server = BulwarkServer.builder(TestServers.config(dir, Map.of("log.access", "false", "auth.adminKey", ADMIN,
                        "providers.up.group", "llm", "providers.up.baseUrl", upstream.uri().toString(),
                        "messaging.connections.bus.type", "redis-streams",
                        "messaging.connections.bus.url", "redis://127.0.0.1:6379", "cache.fuzz.levels", "l1")))
                .jobStore(new InMemoryJobStore(InstantSource.system()), QueuePersistence.none())
                .build().start();
        http = new Http(server.uri());
        String provider = "{\"name\":\"p2\",\"baseUrl\":\"" + upstream.uri() + "\",\"timeout\":\"5s\",\"weight\":2,"
                + "\"capacity\":10,\"maxWait\":\"0s\",\"retry\":\"default\",\"breaker\":" + BREAKER
                + ",\"limits\":\"100/1m\",\"costLimits\":\"1000/1m\"}";
        String group = "{\"name\":\"g2\",\"strategy\":\"round-robin\",\"providers\":[" + provider + "],"
                + "\"fallbackChain\":[\"p2\"],\"degradation\":" + DEGRADATION + "}";
        Map<String, String> auth = Map.of("Authorization", "Bearer " + ADMIN);
        Http.Response approval = http.send("POST", "/api/v1/pipelines", APPROVAL, auth);
        assertThat(approval.status()).as(approval.body()).isEqualTo(201);
        String waiting = http.send("POST", "/api/v1/pipelines/fuzz-approval/runs", "{\"input\":{}}", auth).json()
                .get("id").asText();
        routes = List.of(
                new Route("POST", "/api/v1/jobs", JOB),
                new Route("POST", "/api/v1/jobs/batch", "{\"jobs\":[" + JOB + "]}"),
                new Route("PUT", "/api/v1/queues/fuzz", "{\"concurrency\":2,\"ratePerSecond\":1.5,\"burst\":2,\"maxSize\":1000,"
                        + "\"priority\":3,\"maxAttempts\":3,\"backoff\":" + BACKOFF + ",\"timeout\":\"1m\",\"paused\":true,"
                        + "\"discardAfter\":\"1h\"}"),
                new Route("POST", "/api/v1/queues/fuzz/dead/retry", "{\"ids\":[\"0190f7d6-6c3e-7a3b-9d2e-1b2c3d4e5f60\"]}"),
                new Route("POST", "/api/v1/keys", "{\"name\":\"fuzz\",\"role\":\"viewer\"}"),
                new Route("PUT", "/api/v1/loggers/fuzz.logger", "{\"level\":\"info\"}"),
                new Route("PUT", "/api/v1/rate-limits", "{\"endpoints\":{\"fuzz\":{\"route\":\"GET /api/v1/never\","
                        + "\"limits\":\"1000/1s\",\"algorithm\":\"token-bucket\",\"key\":\"ip\",\"bypass\":\"admin\"}}}"),
                new Route("PUT", "/api/v1/retry-configs", "{\"retryConfigs\":{\"r\":{\"maxAttempts\":3,\"baseDelay\":\"100ms\","
                        + "\"factor\":2,\"maxDelay\":\"5s\",\"maxDuration\":\"20s\",\"retryOnStatuses\":[500],"
                        + "\"maxRetryAfter\":\"30s\",\"budgetPercent\":20,\"budgetMinPerSecond\":1,\"budgetWindow\":\"10s\"}}}"),
                new Route("PUT", "/api/v1/providers", "{\"groups\":[" + group.replace("g2", "llm")
                        .replace("\"p2\"", "\"up\"") + "]}"),
                new Route("PUT", "/api/v1/providers/g2", group),
                new Route("POST", "/api/v1/degradation/llm/enter", "{\"reason\":\"fuzz\"}"),
                new Route("POST", "/api/v1/locks/fuzz", "{\"ttl\":\"10s\",\"wait\":\"0s\",\"owner\":\"fuzzer\"}"),
                new Route("PUT", "/api/v1/locks/fuzz", "{\"token\":1,\"ttl\":\"10s\"}"),
                new Route("POST", "/api/v1/schedules", "{\"name\":\"fuzz\"," + SCHEDULE),
                new Route("PUT", "/api/v1/schedules/fuzz-put", "{" + SCHEDULE),
                new Route("POST", "/api/v1/pipelines", PIPELINE),
                new Route("POST", "/api/v1/pipelines/validate", PIPELINE),
                new Route("POST", "/api/v1/pipelines/fuzz/runs", "{\"input\":{\"day\":\"2026-12-01\",\"n\":2},"
                        + "\"idempotencyKey\":\"k1\"}"),
                new Route("POST", "/api/v1/runs/" + waiting + "/steps/ok/approve", "{\"comment\":\"fine\"}"),
                new Route("POST", "/api/v1/runs/" + waiting + "/steps/ok/reject", "{\"comment\":\"no\"}"),
                new Route("POST", "/api/v1/messaging/bus/publish", "{\"topic\":\"fuzz\",\"message\":{\"x\":1},"
                        + "\"headers\":{\"h\":\"v\"},\"key\":\"k\",\"delay\":\"1s\"}"),
                new Route("POST", "/api/v1/messaging/bus/dead/redrive", "{\"topic\":\"fuzz\",\"max\":10}"),
                new Route("PUT", "/api/v1/caches/fuzz/keys/k1?ttl=1m&tags=a", "{\"price\":10,\"tags\":[\"x\"]}"),
                new Route("POST", "/api/v1/caches/fuzz/invalidate", "{\"keys\":[\"k1\"],\"tags\":[\"a\"]}"));
        Http.Response registered = http.send("POST", "/api/v1/pipelines", PIPELINE, Map.of("Authorization", "Bearer " + ADMIN));
        assertThat(registered.status()).as(registered.body()).isEqualTo(201);
    }

    /**
     * What every answer to any body must be: never 5xx; a refusal is problem+json with its status
     * and a detail, and a validation problem names each field it refuses.
     */
    static void requireNoServerErrorAndAProblem(Route r, String body, Http.Response res) {
        String what = r.method() + " " + r.path() + " body " + abbreviate(body) + " -> " + res.body();
        assertThat(res.status()).as(what).isLessThan(500);
        if (res.status() >= 400) {
            assertThat(res.header("Content-Type")).as(what).isEqualTo("application/problem+json");
            JsonNode p = res.json();
            assertThat(p.get("status").asInt()).as(what).isEqualTo(res.status());
            assertThat(p.get("detail").asText()).as(what).isNotBlank();
            if (p.get("type").asText().endsWith(":validation")) {
                assertThat(p.get("errors")).as(what).isNotEmpty();
                for (JsonNode e : p.get("errors")) {
                    assertThat(e.get("field").asText()).as(what).isNotBlank();
                    assertThat(e.get("message").asText()).as(what).isNotBlank();
                }
            }
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 300 ? s : s.substring(0, 300) + "...(" + s.length() + " chars)";
    }

    @Override
    public void close() {
        server.close();
        upstream.close();
    }

}
