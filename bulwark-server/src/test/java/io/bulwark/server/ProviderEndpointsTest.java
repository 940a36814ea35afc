package io.bulwark.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.bulwark.test.http.FlakyServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Providers, the gateway, breakers, retry configs and degradation over real HTTP, on the embedded store. */
class ProviderEndpointsTest {

    @TempDir
    Path dir;

    private final FlakyServer openai = FlakyServer.start("openai");
    private final FlakyServer anthropic = FlakyServer.start("anthropic");
    private BulwarkServer server;
    private Http http;

    @BeforeEach
    void start() {
        server = start(Map.of());
        http = new Http(server.uri());
    }

    private BulwarkServer start(Map<String, String> extra) {
        Map<String, String> flags = new java.util.HashMap<>(Map.of("log.access", "false",
                "providers.openai.group", "llm", "providers.openai.baseUrl", openai.uri().toString(),
                "providers.openai.retry", "once", "providers.openai.breaker.consecutiveFailures", "2",
                "providers.anthropic.group", "llm", "providers.anthropic.baseUrl", anthropic.uri().toString(),
                "providers.anthropic.retry", "once", "retries.once.maxAttempts", "1",
                "providerGroups.llm.fallbackChain", "openai,anthropic"));
        flags.putAll(extra);
        return BulwarkServer.builder(TestServers.config(dir, flags)).configuredStore().build().start();
    }

    @AfterEach
    void stop() {
        server.close();
        openai.close();
        anthropic.close();
    }

    @Test
    void theGatewayForwardsTheBodyAndNamesTheProviderThatAnswered() {
        openai.echo();

        Http.Response r = http.send("POST", "/api/v1/providers/llm/call?path=/v1/chat", "{\"prompt\":\"hi\"}",
                Map.of("Content-Type", "application/json", "X-Tenant", "t1"));

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("X-Bulwark-Provider")).isEqualTo("openai");
        assertThat(r.header("X-Bulwark-Degraded")).isEqualTo("false");
        assertThat(r.body()).contains("\"prompt\":\"hi\"");
        var seen = openai.lastRequest().orElseThrow();
        assertThat(seen.path()).isEqualTo("/v1/chat");
        assertThat(seen.header("X-Tenant")).contains("t1");
    }

    @Test
    void aFailingProviderFallsBackAndTheAnswerSaysItIsDegraded() {
        openai.fail(503);
        anthropic.succeed("from anthropic");

        Http.Response r = http.send("POST", "/api/v1/providers/llm/call", "{}", Map.of());

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("from anthropic");
        assertThat(r.header("X-Bulwark-Provider")).isEqualTo("anthropic");
        assertThat(r.header("X-Bulwark-Source")).isEqualTo("fallback");
        assertThat(r.header("X-Bulwark-Degraded")).isEqualTo("true");
    }

    @Test
    void whenNoProviderAnswersTheProblemNamesEachOne() {
        openai.fail(500);
        anthropic.fail(502);

        Http.Response r = http.send("POST", "/api/v1/providers/llm/call", "{}", Map.of());

        assertThat(r.status()).isEqualTo(503);
        assertThat(r.json().get("type").asText()).isEqualTo("urn:bulwark:problem:provider-unavailable");
        assertThat(r.json().get("detail").asText()).contains("openai: HTTP 500").contains("anthropic: HTTP 502");
    }

    @Test
    void breakersCanBeOpenedByHandAndThenNoCallReachesTheProvider() {
        openai.succeed("a");
        anthropic.succeed("b");

        Http.Response opened = http.send("POST", "/api/v1/circuit-breakers/openai/open", "", Map.of());
        assertThat(opened.json().get("state").asText()).isEqualTo("FORCED_OPEN");
        for (int i = 0; i < 4; i++) {
            assertThat(http.send("POST", "/api/v1/providers/llm/call", "{}", Map.of()).header("X-Bulwark-Provider"))
                    .isEqualTo("anthropic");
        }
        assertThat(openai.requests()).isZero();

        JsonNode breaker = http.get("/api/v1/circuit-breakers/openai").json();
        assertThat(breaker.get("history").get(0).get("to").asText()).isEqualTo("FORCED_OPEN");
        assertThat(http.send("POST", "/api/v1/circuit-breakers/openai/reset", "", Map.of()).json().get("state").asText())
                .isEqualTo("CLOSED");
    }

    @Test
    void groupsChangedOverTheApiSurviveARestart() {
        String group = "{\"strategy\":\"weighted\",\"providers\":[{\"name\":\"solo\",\"baseUrl\":\"" + openai.uri()
                + "\",\"weight\":2,\"timeout\":\"5s\"}],\"degradation\":{\"actions\":[\"fallback\",\"cache\",\"error\"]}}";
        Http.Response put = http.send("PUT", "/api/v1/providers/chat", group, Map.of("Content-Type", "application/json"));
        assertThat(put.status()).as(put.body()).isEqualTo(200);
        assertThat(http.send("DELETE", "/api/v1/providers/llm", "", Map.of()).status()).isEqualTo(204);
        server.close();

        server = start(Map.of());
        http = new Http(server.uri());

        JsonNode groups = http.get("/api/v1/providers").json().get("groups");
        assertThat(groups).hasSize(1);
        assertThat(groups.get(0).get("name").asText()).isEqualTo("chat");
        assertThat(groups.get(0).get("strategy").asText()).isEqualTo("weighted");
    }

    @Test
    void aGroupOverriddenOverTheApiIsNamedAtStartAndResetRunsItAsConfiguredAgain() {
        String changed = "{\"strategy\":\"weighted\",\"providers\":[{\"name\":\"solo\",\"baseUrl\":\"" + openai.uri()
                + "\",\"timeout\":\"5s\"}]}";
        assertThat(http.send("PUT", "/api/v1/providers/llm", changed, Map.of()).status()).isEqualTo(200);
        server.close();

        var appender = new ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent>();
        appender.start();
        var log = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(
                io.bulwark.server.internal.resilience.ResilienceRuntime.class);
        log.addAppender(appender);
        try {
            server = start(Map.of());
        } finally {
            log.detachAppender(appender);
        }
        http = new Http(server.uri());
        assertThat(appender.list).extracting(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage)
                .anySatisfy(m -> assertThat(m).contains("Provider group 'llm' runs as last changed over the API")
                        .contains("bulwark providers reset llm"));
        assertThat(http.get("/api/v1/providers/llm").json().get("providers")).hasSize(1);

        Http.Response reset = http.send("POST", "/api/v1/providers/llm/reset", "", Map.of());
        assertThat(reset.status()).as(reset.body()).isEqualTo(200);
        assertThat(reset.json().get("droppedStored").asBoolean()).isTrue();
        assertThat(reset.json().get("source").asText()).isEqualTo("config");
        assertThat(http.get("/api/v1/providers/llm").json().get("providers")).hasSize(2);
        assertThat(http.send("POST", "/api/v1/providers/nope/reset", "", Map.of()).status()).isEqualTo(404);

        server.close();
        server = start(Map.of());
        http = new Http(server.uri());
        assertThat(http.get("/api/v1/providers/llm").json().get("providers")).as("the reset is kept").hasSize(2);
    }

    @Test
    void badProviderSettingsAre400NamingEachFieldAndChangeNothing() {
        String bad = "{\"providers\":[{\"name\":\"x\",\"baseUrl\":\"not a url\",\"authSecret\":\"sk-123\","
                + "\"capacity\":0}],\"strategy\":\"fastest\"}";
        Http.Response r = http.send("PUT", "/api/v1/providers/llm", bad, Map.of("Content-Type", "application/json"));

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("errors").findValuesAsText("field")).contains("groups.llm.strategy",
                "groups.llm.providers[0].baseUrl", "groups.llm.providers[0].authSecret", "groups.llm.providers[0].capacity");
        assertThat(r.body()).doesNotContain("sk-123");
        assertThat(http.get("/api/v1/providers/llm").json().get("providers")).hasSize(2);
    }

    @Test
    void degradationCanBeSwitchedOnByHandAndShowsInHealth() {
        anthropic.succeed("b");
        openai.succeed("a");
        Http.Response entered = http.send("POST", "/api/v1/degradation/llm/enter", "{\"reason\":\"incident 42\"}",
                Map.of("Content-Type", "application/json"));
        assertThat(entered.json().get("degraded").asBoolean()).isTrue();
        assertThat(entered.json().get("reason").asText()).contains("incident 42");
        JsonNode health = http.get("/health").json();
        assertThat(health.get("checks").get("providers").get("status").asText()).isEqualTo("DEGRADED");
        assertThat(health.get("status").asText()).isEqualTo("degraded");

        Http.Response exited = http.send("POST", "/api/v1/degradation/llm/exit", "", Map.of());
        assertThat(exited.json().get("degraded").asBoolean()).isFalse();
        assertThat(exited.json().get("history").get(0).get("recoveredAt").isNull()).isFalse();
    }

    @Test
    void retryConfigsAreReadAndReplaced() {
        Http.Response put = http.send("PUT", "/api/v1/retry-configs",
                "{\"retryConfigs\":{\"once\":{\"maxAttempts\":1},\"patient\":{\"maxAttempts\":5,\"baseDelay\":\"1s\"}}}",
                Map.of("Content-Type", "application/json"));
        assertThat(put.status()).as(put.body()).isEqualTo(200);
        assertThat(http.get("/api/v1/retry-configs").json().get("retryConfigs").has("patient")).isTrue();

        Http.Response orphan = http.send("PUT", "/api/v1/retry-configs", "{\"retryConfigs\":{}}",
                Map.of("Content-Type", "application/json"));
        assertThat(orphan.status()).isEqualTo(400);
        assertThat(orphan.body()).contains("no retry config is named 'once'");
    }

    @Test
    void anHttpJobCanTargetAProviderGroup() {
        openai.fail(503);
        anthropic.succeed("answer");
        Http.Response created = http.send("POST", "/api/v1/jobs",
                "{\"type\":\"http\",\"payload\":{\"url\":\"group:llm/v1/chat\",\"body\":\"{}\"}}", Map.of());
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String id = created.json().get("id").asText();

        JsonNode done = org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                .until(() -> http.get("/api/v1/jobs/" + id).json(), j -> j.get("state").asText().equals("completed"));

        assertThat(done.get("result").get("provider").asText()).isEqualTo("anthropic");
        assertThat(done.get("result").get("degraded").asBoolean()).isTrue();
        assertThat(anthropic.lastRequest().orElseThrow().path()).isEqualTo("/v1/chat");
    }

    @Test
    void aLoadBalancingStrategyChoosesProviders() {
        openai.succeed("a");
        anthropic.succeed("b");
        String group = "{\"strategy\":\"least-requests\",\"providers\":[{\"name\":\"p1\",\"baseUrl\":\""
                + openai.uri() + "\"},{\"name\":\"p2\",\"baseUrl\":\"" + anthropic.uri() + "\"}]}";
        Http.Response put = http.send("PUT", "/api/v1/providers/lb", group, Map.of("Content-Type", "application/json"));
        assertThat(put.status()).as(put.body()).isEqualTo(200);

        for (int i = 0; i < 20; i++) {
            assertThat(http.send("POST", "/api/v1/providers/lb/call", "{}", Map.of()).status()).isEqualTo(200);
        }

        // One call at a time: least-requests sees both idle, so both get calls.
        assertThat(openai.requests()).isPositive();
        assertThat(anthropic.requests()).isPositive();
        assertThat(openai.requests() + anthropic.requests()).isEqualTo(20);
        Http.Response unknown = http.send("PUT", "/api/v1/providers/lb", group.replace("least-requests", "ip-hash"),
                Map.of("Content-Type", "application/json"));
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.body()).contains("least-requests").contains("latency-aware").contains("consistent-hash");
    }

    @Test
    void aProviderOverItsLimitsIsSkippedAndWhenAllAreTheAnswerIs429() {
        openai.succeed("a");
        anthropic.succeed("b");
        String group = "{\"providers\":[{\"name\":\"p1\",\"baseUrl\":\"" + openai.uri() + "\",\"limits\":\"2/1h\"},"
                + "{\"name\":\"p2\",\"baseUrl\":\"" + anthropic.uri() + "\",\"costLimits\":\"100/1h\"}],"
                + "\"fallbackChain\":[\"p1\",\"p2\"]}";
        assertThat(http.send("PUT", "/api/v1/providers/limited", group, Map.of("Content-Type", "application/json"))
                .status()).isEqualTo(200);
        Map<String, String> cost60 = Map.of("X-Bulwark-Cost", "60");

        // round robin starts at p1: p1, p2 (cost 60 of 100), p1 (its 2 requests used)...
        assertThat(http.send("POST", "/api/v1/providers/limited/call", "{}", cost60).header("X-Bulwark-Provider")).isEqualTo("p1");
        assertThat(http.send("POST", "/api/v1/providers/limited/call", "{}", cost60).header("X-Bulwark-Provider")).isEqualTo("p2");
        assertThat(http.send("POST", "/api/v1/providers/limited/call", "{}", cost60).header("X-Bulwark-Provider")).isEqualTo("p1");
        Http.Response limited = http.send("POST", "/api/v1/providers/limited/call", "{}", cost60);

        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.header("Retry-After")).isNotNull();
        assertThat(limited.json().get("detail").asText()).contains("p1: rate limited").contains("p2: rate limited");
        assertThat(http.send("POST", "/api/v1/providers/limited/call", "{}", Map.of("X-Bulwark-Cost", "0")).status())
                .isEqualTo(400);
    }

    @Test
    void providerPoliciesAndTheGatewayShowInMetrics() {
        openai.succeed("a");
        assertThat(http.send("POST", "/api/v1/providers/llm/call", "{}", Map.of()).status()).isEqualTo(200);

        String metrics = http.get("/metrics").body();

        assertThat(metrics).contains("bulwark_breaker_state{name=\"openai\",state=\"closed\"} 1.0")
                .contains("bulwark_retry_calls_total{name=\"openai\"")
                .contains("bulwark_bulkhead_max{name=\"openai\"} 64.0")
                .contains("bulwark_provider_calls_total{outcome=\"success\",provider=\"openai\"} 1.0")
                .contains("bulwark_gateway_answers_total{group=\"llm\",source=\"primary\"} 1.0")
                .contains("bulwark_degradation_active{group=\"llm\"} 0.0");
    }

    @Test
    void breakerHistorySurvivesARestart() {
        http.send("POST", "/api/v1/circuit-breakers/openai/open", "", Map.of());
        http.send("POST", "/api/v1/circuit-breakers/openai/reset", "", Map.of());
        server.close();

        server = start(Map.of());
        http = new Http(server.uri());

        JsonNode history = http.get("/api/v1/circuit-breakers/openai").json().get("history");
        assertThat(history.findValuesAsText("to")).contains("FORCED_OPEN", "CLOSED");
    }

    @Test
    void badProviderConfigStopsStartupNamingEachField() {
        server.close();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> start(Map.of("providers.openai.baseUrl", "ftp://nope",
                        "providers.anthropic.authSecret", "sk-plain", "providerGroups.llm.strategy", "fastest")))
                .isInstanceOf(StartupException.class)
                .hasMessageContaining("groups.llm.providers[1].baseUrl")
                .hasMessageContaining("groups.llm.providers[0].authSecret")
                .hasMessageContaining("groups.llm.strategy")
                .hasMessageNotContaining("sk-plain");
        server = start(Map.of());
    }

    @Test
    void theRateLimitMiddlewareCoversTheGateway() {
        server.close();
        server = start(Map.of("ratelimit.endpoints.gateway.route", "POST /api/v1/providers/{group}/call",
                "ratelimit.endpoints.gateway.limits", "2/1h", "ratelimit.endpoints.gateway.key", "header:X-Tenant"));
        http = new Http(server.uri());
        openai.succeed("a");
        anthropic.succeed("b");
        Map<String, String> tenant = Map.of("X-Tenant", "t1");

        Http.Response first = http.send("POST", "/api/v1/providers/llm/call", "{}", tenant);
        assertThat(first.status()).isEqualTo(200);
        assertThat(first.header("X-RateLimit-Limit")).isEqualTo("2");
        assertThat(http.send("POST", "/api/v1/providers/llm/call", "{}", tenant).status()).isEqualTo(200);
        Http.Response third = http.send("POST", "/api/v1/providers/llm/call", "{}", tenant);

        assertThat(third.status()).isEqualTo(429);
        assertThat(third.header("Retry-After")).isNotNull();
        assertThat(openai.requests() + anthropic.requests()).isEqualTo(2);
        assertThat(http.send("POST", "/api/v1/providers/llm/call", "{}", Map.of("X-Tenant", "t2")).status()).isEqualTo(200);
    }
}
