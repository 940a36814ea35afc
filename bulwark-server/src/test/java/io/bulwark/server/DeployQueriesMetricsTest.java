package io.bulwark.server;

import io.bulwark.deploy.DeploySettings;
import io.bulwark.deploy.MetricNames;
import io.bulwark.test.db.TestDatabase;
import io.bulwark.test.http.FlakyServer;
import io.bulwark.test.services.LocalService;
import io.bulwark.test.services.RequiresService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every metric the generated alert rules and Grafana dashboards query ({@code bulwark deploy
 * generate}) is served by a running server, so a renamed metric cannot leave a dashboard empty or
 * an alert silent. The server runs on PostgreSQL (for the pool metrics) with a provider group whose
 * breaker opens, a rate limit, a load balancer group, a dead job and a finished pipeline run, so
 * the meters that appear on first use are there.
 */
@RequiresService(LocalService.POSTGRESQL)
class DeployQueriesMetricsTest {

    @TempDir
    Path dir;

    @Test
    void everyMetricTheGeneratedRulesAndDashboardsQueryIsServed() {
        try (TestDatabase db = TestDatabase.create(LocalService.POSTGRESQL);
             FlakyServer provider = FlakyServer.start("openai").fail(503)) {
            Map<String, String> flags = new HashMap<>(Map.of("log.access", "false", "jobs.pollInterval", "50ms",
                    "store.url", db.url(), "store.user", db.user(),
                    "providers.openai.group", "llm", "providers.openai.baseUrl", provider.uri().toString(),
                    "providers.openai.breaker.consecutiveFailures", "2",
                    "ratelimit.endpoints.server.route", "GET /api/v1/server",
                    "ratelimit.endpoints.server.limits", "100/1m",
                    "lb.groups.users.endpoints", provider.uri() + ";id=a"));
            try (BulwarkServer server = BulwarkServer.builder(TestServers.config(dir, flags)).configuredStore().build()
                    .start()) {
                Http http = new Http(server.uri());
                String dead = http.send("POST", "/api/v1/jobs", "{\"type\":\"builtin.fail\",\"payload\":{\"times\":5},"
                        + "\"maxAttempts\":1}", Map.of()).json().get("id").asText();
                http.send("POST", "/api/v1/jobs", "{\"type\":\"builtin.noop\"}", Map.of());
                for (int i = 0; i < 3; i++) {
                    http.send("POST", "/api/v1/providers/llm/call", "{}", Map.of());
                }
                http.get("/api/v1/server");
                assertThat(http.send("POST", "/api/v1/pipelines", "{\"id\":\"etl\",\"steps\":[{\"id\":\"a\","
                        + "\"type\":\"builtin.noop\"}]}", Map.of("Content-Type", "application/json")).status()).isEqualTo(201);
                String run = http.send("POST", "/api/v1/pipelines/etl/runs", "{}", Map.of()).json().get("id").asText();
                await().atMost(Duration.ofSeconds(20)).until(() ->
                        http.get("/api/v1/runs/" + run).json().get("state").asText().equals("completed"));
                await().atMost(Duration.ofSeconds(20)).until(() ->
                        http.get("/api/v1/jobs/" + dead).json().get("state").asText().equals("dead"));
                System.gc();

                Set<String> wanted = new TreeSet<>(MetricNames.used(DeploySettings.builder("bulwark").build()));
                await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                    Set<String> served = served(http.get("/metrics").body());
                    Set<String> missing = new TreeSet<>(wanted);
                    missing.removeAll(served);
                    assertThat(missing).as("queried by the generated rules or dashboards but not served").isEmpty();
                });
            }
        }
    }

    private static Set<String> served(String exposition) {
        Set<String> names = new TreeSet<>();
        for (String line : exposition.split("\n")) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int end = 0;
            while (end < line.length() && line.charAt(end) != '{' && line.charAt(end) != ' ') {
                end++;
            }
            names.add(line.substring(0, end));
        }
        return names;
    }
}
