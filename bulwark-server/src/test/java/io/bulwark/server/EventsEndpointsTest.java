package io.bulwark.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.bulwark.core.json.Json;
import io.bulwark.test.http.FlakyServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Events from real sources (a breaker opening on a failing provider, a group degraded by hand,
 * a job going dead), listed over the API and delivered to a signed webhook that fails first.
 */
class EventsEndpointsTest {

    @TempDir
    Path dir;

    record Delivery(String body, String signature, String kind) {
    }

    @Test
    void breakerDegradationAndDeadJobEventsAreListedAndDeliveredSignedWithRetries() throws Exception {
        List<Delivery> deliveries = new CopyOnWriteArrayList<>();
        AtomicInteger calls = new AtomicInteger();
        HttpServer hook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        hook.createContext("/hook", ex -> {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            int n = calls.incrementAndGet();
            if (n == 1) {
                ex.sendResponseHeaders(503, -1); // the first delivery fails once, then is retried
            } else {
                deliveries.add(new Delivery(body, ex.getRequestHeaders().getFirst("X-Bulwark-Signature"),
                        ex.getRequestHeaders().getFirst("X-Bulwark-Event")));
                ex.sendResponseHeaders(204, -1);
            }
            ex.close();
        });
        hook.start();
        try (FlakyServer openai = FlakyServer.start("openai").fail(503)) {
            Map<String, String> flags = new HashMap<>(Map.of("log.access", "false",
                    "providers.openai.group", "llm", "providers.openai.baseUrl", openai.uri().toString(),
                    "providers.openai.retry", "once", "retries.once.maxAttempts", "1",
                    "providers.openai.breaker.consecutiveFailures", "2",
                    "events.webhooks.ops.url", "http://127.0.0.1:" + hook.getAddress().getPort() + "/hook",
                    "events.webhooks.ops.secret", "s3cret", "events.deadJobsInterval", "200ms"));
            try (BulwarkServer server = BulwarkServer.builder(TestServers.config(dir, flags)).configuredStore().build()
                    .start()) {
                Http http = new Http(server.uri());
                for (int i = 0; i < 3; i++) {
                    http.send("POST", "/api/v1/providers/llm/call", "{}", Map.of());
                }
                http.send("POST", "/api/v1/degradation/llm/enter", "{\"reason\":\"incident 7\"}", Map.of());
                http.send("POST", "/api/v1/jobs", "{\"type\":\"builtin.fail\",\"payload\":{\"times\":9},\"maxAttempts\":1,"
                        + "\"queue\":\"mail\"}", Map.of());

                await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
                    JsonNode events = http.get("/api/v1/events").json().path("events");
                    assertThat(events.findValuesAsText("kind")).contains("breaker.opened", "degradation.entered",
                            "jobs.dead");
                });
                JsonNode opened = http.get("/api/v1/events?kind=breaker.").json().path("events").get(0);
                assertThat(opened.path("subject").asText()).contains("openai");
                assertThat(opened.path("severity").asText()).isEqualTo("warning");
                assertThat(opened.path("alert").asText()).isEqualTo("BulwarkBreakerOpen");
                JsonNode dead = http.get("/api/v1/events?kind=jobs.").json().path("events").get(0);
                assertThat(dead.path("subject").asText()).isEqualTo("mail");
                assertThat(dead.path("message").asText()).startsWith("1 job(s) of queue mail");

                long last = http.get("/api/v1/events").json().path("events").findValues("id").stream()
                        .mapToLong(JsonNode::asLong).max().orElseThrow();
                assertThat(http.get("/api/v1/events?after=" + last).json().path("events")).isEmpty();
                Http.Response bad = http.get("/api/v1/events?limit=0");
                assertThat(bad.status()).isEqualTo(400);
                assertThat(bad.body()).contains("limit");

                await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                        assertThat(deliveries).extracting(Delivery::kind).contains("breaker.opened",
                                "degradation.entered", "jobs.dead"));
                for (Delivery d : deliveries) {
                    assertThat(d.signature()).isEqualTo("sha256=" + hmac("s3cret", d.body()));
                    assertThat(Json.mapper().readTree(d.body()).path("kind").asText()).isEqualTo(d.kind());
                }
                assertThat(calls.get()).as("the failed first delivery was retried").isGreaterThan(deliveries.size());
                assertThat(http.get("/metrics").body())
                        .contains("bulwark_events_deliveries_total{outcome=\"delivered\",sink=\"webhook-ops\"}");
            }
        } finally {
            hook.stop(0);
        }
    }

    private static String hmac(String key, String body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
    }
}
