package io.bulwark.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.bulwark.test.http.FlakyServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The gateway's request queue over real HTTP: a provider that takes one call at once and is held
 * by the test, so calls queue behind it; priorities, a full queue, time-outs, bad headers, and the
 * queue's endpoint and metrics, and callers over raw HTTP/1.1 sockets that hang up or pipeline
 * another request while their call waits.
 */
class GatewayQueueEndpointsTest {

    @TempDir
    Path dir;

    private final FlakyServer upstream = FlakyServer.start("upstream");
    private BulwarkServer server;
    private Http http;

    @BeforeEach
    void start() {
        Map<String, String> flags = new HashMap<>(Map.of("log.access", "false",
                "providers.upstream.group", "g", "providers.upstream.baseUrl", upstream.uri().toString(),
                "providers.upstream.capacity", "1", "providers.upstream.timeout", "30s",
                "providerGroups.g.queue.maxSize", "2", "providerGroups.g.queue.maxPerKey", "2",
                "providerGroups.g.queue.maxWait", "30s"));
        server = BulwarkServer.builder(TestServers.config(dir, flags)).configuredStore().build().start();
        http = new Http(server.uri());
    }

    @AfterEach
    void stop() {
        upstream.close();
        server.close();
    }

    private CompletableFuture<Http.Response> callAsync(String body, Map<String, String> headers) {
        return CompletableFuture.supplyAsync(() -> call(body, headers));
    }

    private Http.Response call(String body, Map<String, String> headers) {
        return http.send("POST", "/api/v1/providers/g/call", body, headers);
    }

    private JsonNode queue() {
        return http.get("/api/v1/providers/g/queue").json();
    }

    /** Holds one call in the provider's only slot. */
    private CompletableFuture<Http.Response> occupy() {
        upstream.echo().stall();
        CompletableFuture<Http.Response> first = callAsync("\"first\"", Map.of());
        upstream.awaitStalled(1, Duration.ofSeconds(10));
        return first;
    }

    @Test
    void callsWaitByPriorityAndAFullQueueIsRefusedWithRetryAfter() throws Exception {
        CompletableFuture<Http.Response> first = occupy();
        CompletableFuture<Http.Response> low = callAsync("\"low\"", Map.of("X-Bulwark-Priority", "9"));
        await().atMost(Duration.ofSeconds(10)).until(() -> queue().path("depth").asInt() == 1);
        CompletableFuture<Http.Response> urgent = callAsync("\"urgent\"", Map.of("X-Bulwark-Priority", "0"));
        await().atMost(Duration.ofSeconds(10)).until(() -> queue().path("depth").asInt() == 2);

        Http.Response full = call("\"one too many\"", Map.of());
        assertThat(full.status()).isEqualTo(429);
        assertThat(full.json().path("type").asText()).endsWith("queue-full");
        assertThat(full.json().path("detail").asText()).contains("queue.maxSize 2");
        assertThat(Long.parseLong(full.header("Retry-After"))).isBetween(1L, 30L);

        JsonNode q = queue();
        assertThat(q.path("priorities").get(0).path("depth").asInt()).isEqualTo(1);
        assertThat(q.path("priorities").get(9).path("depth").asInt()).isEqualTo(1);
        assertThat(q.path("keys").get(0).path("key").asText()).isEqualTo("anonymous");
        assertThat(q.path("priorities").get(5).path("rejected").asLong()).isEqualTo(1);

        upstream.recover(); // the first call is answered; its freed slot goes to the urgent call, then the low one
        assertThat(first.get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
        Http.Response u = urgent.get(10, TimeUnit.SECONDS);
        Http.Response l = low.get(10, TimeUnit.SECONDS);
        assertThat(u.status()).isEqualTo(200);
        assertThat(l.status()).isEqualTo(200);
        assertThat(u.header("X-Bulwark-Queue-Wait")).isNotNull();
        assertThat(new String(upstream.lastRequest().orElseThrow().body(), StandardCharsets.UTF_8)).as("the low-priority call went last").contains("low");
        assertThat(first.get().header("X-Bulwark-Queue-Wait")).as("a call that never waited says nothing").isNull();

        JsonNode after = queue();
        assertThat(after.path("depth").asInt()).isZero();
        assertThat(after.path("priorities").get(0).path("admitted").asLong()).isEqualTo(1);
        assertThat(after.path("priorities").get(9).path("admitted").asLong()).isEqualTo(1);
        String metrics = http.get("/metrics").body();
        assertThat(metrics).contains("bulwark_gateway_queue_calls_total{group=\"g\",outcome=\"admitted\",priority=\"0\"} 1.0");
        assertThat(metrics).contains("bulwark_gateway_queue_wait_seconds_bucket{group=\"g\",priority=\"9\"");
    }

    @Test
    void aCallWaitsNoLongerThanItAsked() throws Exception {
        CompletableFuture<Http.Response> first = occupy();

        Http.Response now = call("\"now\"", Map.of("X-Bulwark-Queue-Timeout", "0"));
        assertThat(now.status()).isEqualTo(429);
        assertThat(now.json().path("type").asText()).endsWith("queue-timeout");
        assertThat(now.json().path("detail").asText()).contains("asked not to wait");

        Http.Response brief = call("\"brief\"", Map.of("X-Bulwark-Queue-Timeout", "200ms"));
        assertThat(brief.status()).isEqualTo(429);
        assertThat(brief.json().path("type").asText()).endsWith("queue-timeout");
        assertThat(brief.header("Retry-After")).isNotNull();
        assertThat(queue().path("priorities").get(5).path("timedOut").asLong()).isEqualTo(2);
        assertThat(upstream.requests()).as("neither reached the provider").isEqualTo(1);

        upstream.recover();
        assertThat(first.get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
    }

    @Test
    void badPriorityOrTimeoutIs400NamingTheHeaderAndNothingWaits() {
        for (Map<String, String> bad : java.util.List.of(Map.of("X-Bulwark-Priority", "10"),
                Map.of("X-Bulwark-Priority", "high"), Map.of("X-Bulwark-Priority", "-1"),
                Map.of("X-Bulwark-Queue-Timeout", "soon"), Map.of("X-Bulwark-Queue-Timeout", "-1s"))) {
            Http.Response r = call("{}", bad);
            assertThat(r.status()).as(bad.toString()).isEqualTo(400);
            String header = bad.keySet().iterator().next();
            assertThat(r.json().path("errors").get(0).path("field").asText()).isEqualTo(header);
        }
        assertThat(upstream.requests()).isZero();
        assertThat(queue().path("depth").asInt()).isZero();
        assertThat(http.get("/api/v1/providers/nope/queue").status()).isEqualTo(404);
    }

    @Test
    void aCallerThatHangsUpLeavesTheQueueAtOnceAndNeverReachesTheProvider() throws Exception {
        CompletableFuture<Http.Response> first = occupy();
        try (Socket socket = new Socket(server.uri().getHost(), server.uri().getPort())) {
            send(socket, call("\"gone\""));
            await().atMost(Duration.ofSeconds(10)).until(() -> queue().path("depth").asInt() == 1);
        } // closed: the client hangs up while its call waits (maxWait is 30 s)

        await().atMost(Duration.ofSeconds(5)).until(() -> queue().path("depth").asInt() == 0);
        assertThat(queue().path("priorities").get(5).path("abandoned").asLong()).isEqualTo(1);
        upstream.recover();
        assertThat(first.get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
        assertThat(upstream.requests()).as("the abandoned call never reached the provider").isEqualTo(1);
        assertThat(http.get("/metrics").body())
                .contains("bulwark_gateway_queue_calls_total{group=\"g\",outcome=\"abandoned\",priority=\"5\"} 1.0");
    }

    @Test
    void aRequestPipelinedBehindAWaitingCallIsReadAndAnsweredAfterIt() throws Exception {
        CompletableFuture<Http.Response> first = occupy();
        try (Socket socket = new Socket(server.uri().getHost(), server.uri().getPort())) {
            send(socket, call("\"waiting\""));
            await().atMost(Duration.ofSeconds(10)).until(() -> queue().path("depth").asInt() == 1);
            // Sent while the call waits, so the server reads it while watching for a hang-up.
            send(socket, "GET /health/live HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n");

            upstream.recover();
            String answers = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertThat(answers.split("HTTP/1.1 200", -1)).as(answers).hasSize(3);
            assertThat(answers.indexOf("waiting")).as("the call's answer came first").isLessThan(answers.lastIndexOf("HTTP/1.1 200"));
            assertThat(answers.substring(answers.lastIndexOf("HTTP/1.1 200"))).contains("UP");
        }
        assertThat(first.get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
        assertThat(queue().path("priorities").get(5).path("abandoned").asLong()).isZero();
        assertThat(queue().path("priorities").get(5).path("admitted").asLong()).isEqualTo(1);
    }

    /** A provider call as raw HTTP/1.1. */
    private static String call(String body) {
        return "POST /api/v1/providers/g/call HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + body.length() + "\r\n\r\n" + body;
    }

    private static void send(Socket socket, String text) throws java.io.IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
    }
}
