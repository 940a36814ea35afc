package io.bulwark.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.bulwark.core.json.Json;
import io.bulwark.test.http.FlakyServer;
import io.bulwark.test.http.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Async gateway calls over real HTTP: {@code Prefer: respond-async} is answered 202 at once, the
 * call runs as a job through the group, its answer is kept at {@code /api/v1/calls/{id}}, a call
 * no provider could answer is tried again and ends dead when out of attempts, callbacks are signed
 * and retried, and bad input is refused before anything is queued.
 */
class GatewayAsyncCallsTest {

    private static final String SECRET = "s3cret";
    private static final Map<String, String> ASYNC = Map.of("Prefer", "respond-async");

    @TempDir
    Path dir;

    private final FlakyServer upstream = FlakyServer.start("upstream");
    private final FlakyServer receiver = FlakyServer.start("receiver");
    private BulwarkServer server;
    private Http http;

    private void start(Map<String, String> extra) {
        Map<String, String> flags = new HashMap<>(Map.of("log.access", "false", "providers.up.group", "g",
                "providers.up.baseUrl", upstream.uri("/base").toString(), "jobs.pollInterval", "20ms",
                "gateway.callbacks.secret", SECRET));
        flags.putAll(extra);
        serve(flags);
    }

    private void serve(Map<String, String> flags) {
        server = BulwarkServer.builder(TestServers.config(dir, flags))
                .jobStore(new io.bulwark.jobs.store.InMemoryJobStore(java.time.InstantSource.system()),
                        io.bulwark.server.internal.jobs.QueuePersistence.none())
                .build().start();
        http = new Http(server.uri());
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        upstream.close();
        receiver.close();
    }

    private String submit(String path, String body, Map<String, String> headers) {
        Map<String, String> all = new HashMap<>(ASYNC);
        all.putAll(headers);
        Http.Response r = http.send("POST", path, body, all);
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        assertThat(r.header("Preference-Applied")).isEqualTo("respond-async");
        String id = r.json().path("id").asText();
        assertThat(r.header("Location")).isEqualTo("/api/v1/calls/" + id);
        return id;
    }

    private JsonNode awaitState(String id, String state) {
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50)).until(() ->
                http.get("/api/v1/calls/" + id).json().path("state").asText().equals(state));
        return http.get("/api/v1/calls/" + id).json();
    }

    @Test
    void anAsyncCallIsAnswered202AtOnceAndItsAnswerIsKept() {
        start(Map.of());
        upstream.echo();
        String id = submit("/api/v1/providers/g/call/v1/chat?x=1", "{\"q\":\"hello\"}", Map.of("X-Custom", "kept"));

        JsonNode call = awaitState(id, "completed");
        assertThat(call.path("group").asText()).isEqualTo("g");
        assertThat(call.path("method").asText()).isEqualTo("POST");
        assertThat(call.path("attempts").asInt()).isEqualTo(1);
        JsonNode response = call.path("response");
        assertThat(response.path("status").asInt()).isEqualTo(200);
        assertThat(response.path("provider").asText()).isEqualTo("up");
        assertThat(response.path("bodyEncoding").asText()).isEqualTo("utf-8");
        assertThat(response.path("body").asText()).isEqualTo("{\"q\":\"hello\"}");

        RecordedRequest seen = upstream.lastRequest().orElseThrow();
        assertThat(seen.path()).isEqualTo("/base/v1/chat");
        assertThat(seen.query()).isEqualTo("x=1");
        assertThat(seen.header("X-Custom")).contains("kept");
        assertThat(seen.header("Prefer")).as("the preference is the gateway's, not the provider's").isEmpty();

        Http.Response raw = http.get("/api/v1/calls/" + id + "/response");
        assertThat(raw.status()).isEqualTo(200);
        assertThat(raw.body()).isEqualTo("{\"q\":\"hello\"}");
        assertThat(raw.header("X-Bulwark-Provider")).isEqualTo("up");
        assertThat(upstream.requests()).as("one call, made once").isEqualTo(1);
        assertThat(metric("bulwark_gateway_async_calls_total{group=\"g\",outcome=\"completed\"}")).isEqualTo(1.0);
    }

    @Test
    void aCallNoProviderCouldAnswerIsTriedAgainUntilOneCan() {
        start(Map.of("retries.once.maxAttempts", "1", "providers.up.retry", "once"));
        upstream.fail(503);
        String id = submit("/api/v1/providers/g/call?path=/v1/chat", "{}", Map.of());
        JsonNode waiting = awaitState(id, "retryable");
        assertThat(waiting.path("lastError").asText()).isNotEmpty();
        assertThat(http.get("/api/v1/calls/" + id + "/response").status()).as("no answer yet").isEqualTo(409);

        upstream.recover();
        JsonNode done = awaitState(id, "completed");
        assertThat(done.path("attempts").asInt()).isGreaterThanOrEqualTo(2);
        assertThat(done.path("response").path("status").asInt()).isEqualTo(200);
    }

    @Test
    void theCallbackIsSignedAndSentAgainUntilTheReceiverTakesIt() throws Exception {
        start(Map.of("gateway.callbacks.allowPrivate", "true"));
        upstream.echo();
        receiver.failNext(1, 500);
        String id = submit("/api/v1/providers/g/call/v1/chat", "{\"q\":1}",
                Map.of("X-Bulwark-Callback", receiver.uri("/hook?token=t").toString()));

        await().atMost(Duration.ofSeconds(15)).until(() -> receiver.requests() >= 2);
        RecordedRequest delivered = receiver.lastRequest().orElseThrow();
        assertThat(delivered.path()).isEqualTo("/hook");
        assertThat(delivered.header("X-Bulwark-Call-Id")).contains(id);
        assertThat(delivered.header("X-Bulwark-Signature")).contains("sha256=" + hmac(delivered.bodyText()));
        JsonNode body = Json.mapper().readTree(delivered.bodyText());
        assertThat(body.path("id").asText()).isEqualTo(id);
        assertThat(body.path("state").asText()).isEqualTo("completed");
        assertThat(body.path("response").path("body").asText()).isEqualTo("{\"q\":1}");

        await().atMost(Duration.ofSeconds(5)).until(() ->
                http.get("/api/v1/calls/" + id).json().path("callback").path("state").asText().equals("completed"));
        JsonNode call = http.get("/api/v1/calls/" + id).json();
        assertThat(call.path("callback").path("url").asText()).as("the token stays out of the view")
                .doesNotContain("token=t");
        assertThat(upstream.requests()).as("a callback sent again does not call the provider again").isEqualTo(1);
        assertThat(metric("bulwark_gateway_callbacks_total{outcome=\"delivered\"}")).isEqualTo(1.0);
    }

    @Test
    void aCallOutOfAttemptsEndsDeadAndItsCallbackSaysSo() throws Exception {
        start(Map.of("gateway.callbacks.allowPrivate", "true", "gateway.async.maxAttempts", "2",
                "retries.once.maxAttempts", "1", "providers.up.retry", "once"));
        upstream.fail(503);
        String id = submit("/api/v1/providers/g/call/v1/chat", "{}",
                Map.of("X-Bulwark-Callback", receiver.uri("/hook").toString()));

        JsonNode dead = awaitState(id, "dead");
        assertThat(dead.path("attempts").asInt()).isEqualTo(2);
        assertThat(dead.has("response")).isFalse();
        await().atMost(Duration.ofSeconds(10)).until(() -> receiver.requests() >= 1);
        JsonNode body = Json.mapper().readTree(receiver.lastRequest().orElseThrow().bodyText());
        assertThat(body.path("state").asText()).isEqualTo("dead");
        assertThat(body.path("error").asText()).isNotEmpty();
        assertThat(body.has("response")).isFalse();
        await().atMost(Duration.ofSeconds(10)).until(() -> http.get("/api/v1/calls/" + id).json().path("callback")
                .path("state").asText().equals("completed")); // a dead call's view finds its callback too
        assertThat(http.get("/api/v1/calls/" + id).json().path("callback").path("job").asText()).isNotEmpty();
    }

    @Test
    void badInputIsRefusedWithTheFieldNamedAndNothingIsQueued() {
        start(Map.of());
        Map<String, String> cases = new java.util.LinkedHashMap<>();
        cases.put("ftp://example.com/hook", "scheme is 'ftp'");
        cases.put("http://127.0.0.1:9/hook", "loopback");
        cases.put("http://[::1]/hook", "loopback");
        cases.put("http://169.254.169.254/latest/meta-data", "link-local");
        cases.put("http://10.1.2.3/hook", "private");
        cases.put("https://user:pw@example.com/hook", "user name or password");
        cases.put("/relative", "scheme");
        cases.forEach((url, why) -> {
            Http.Response r = http.send("POST", "/api/v1/providers/g/call/v1/chat", "{}",
                    Map.of("Prefer", "respond-async", "X-Bulwark-Callback", url));
            assertThat(r.status()).as(url + ": " + r.body()).isEqualTo(400);
            assertThat(r.json().path("errors").path(0).path("field").asText()).isEqualTo("X-Bulwark-Callback");
            assertThat(r.json().path("errors").path(0).path("message").asText()).as(url).contains(why);
        });
        Http.Response priority = http.send("POST", "/api/v1/providers/g/call/v1/chat", "{}",
                Map.of("Prefer", "respond-async", "X-Bulwark-Priority", "12"));
        assertThat(priority.status()).isEqualTo(400);
        assertThat(priority.json().path("errors").path(0).path("field").asText()).isEqualTo("X-Bulwark-Priority");
        assertThat(http.send("POST", "/api/v1/providers/nope/call/v1/chat", "{}", ASYNC).status()).isEqualTo(404);
        assertThat(http.send("POST", "/api/v1/providers/g/call/v1/%2e%2e/admin", "{}", ASYNC).status()).isEqualTo(400);

        assertThat(http.get("/api/v1/jobs?queue=bulwark-calls").json().path("items")).isEmpty();
        assertThat(upstream.requests()).isZero();

        assertThat(http.get("/api/v1/calls/not-a-uuid").status()).isEqualTo(400);
        assertThat(http.get("/api/v1/calls/00000000-0000-7000-8000-000000000000").status()).isEqualTo(404);
    }

    @Test
    void aCallbackNeedsTheSigningSecret() {
        Map<String, String> flags = new HashMap<>(Map.of("log.access", "false", "providers.up.group", "g",
                "providers.up.baseUrl", upstream.uri("/base").toString()));
        serve(flags);
        Http.Response r = http.send("POST", "/api/v1/providers/g/call/v1/chat", "{}",
                Map.of("Prefer", "respond-async", "X-Bulwark-Callback", "https://example.com/hook"));
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().path("errors").path(0).path("message").asText()).contains("gateway.callbacks.secret");
        assertThat(http.send("POST", "/api/v1/providers/g/call/v1/chat", "{}", ASYNC).status())
                .as("without a callback the secret is not needed").isEqualTo(202);
    }

    @Test
    void aWaitingCallCanBeCancelledAndOnlyAsyncCallsAreCalls() {
        start(Map.of("jobs.queues.bulwark-calls.paused", "true"));
        String id = submit("/api/v1/providers/g/call/v1/chat", "{}", Map.of());
        assertThat(http.get("/api/v1/calls/" + id).json().path("state").asText()).isEqualTo("available");
        Http.Response cancelled = http.send("DELETE", "/api/v1/calls/" + id, null, Map.of());
        assertThat(cancelled.status()).as(cancelled.body()).isEqualTo(200);
        assertThat(cancelled.json().path("state").asText()).isEqualTo("cancelled");
        assertThat(http.send("DELETE", "/api/v1/calls/" + id, null, Map.of()).status()).isEqualTo(409);
        assertThat(http.get("/api/v1/calls/" + id + "/response").status()).isEqualTo(409);

        String job = http.send("POST", "/api/v1/jobs", "{\"type\":\"builtin.noop\"}", Map.of()).json().path("id").asText();
        assertThat(http.get("/api/v1/calls/" + job).status()).as("a plain job is not a call").isEqualTo(404);
        assertThat(upstream.requests()).isZero();
    }

    private double metric(String series) {
        for (String line : http.get("/metrics").body().split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1).trim());
            }
        }
        return 0;
    }

    private static String hmac(String body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
    }
}
