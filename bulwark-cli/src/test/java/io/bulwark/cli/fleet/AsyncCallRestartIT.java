package io.bulwark.cli.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import io.bulwark.cli.ChildJvm;
import io.bulwark.core.json.Json;
import io.bulwark.test.http.FlakyServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Async gateway calls survive a crash: {@code bulwark serve} (a child process on the embedded
 * store) takes async calls with callbacks while its provider holds every request unanswered, is
 * killed with SIGKILL with some calls running and the rest queued, and is started again on the
 * same data directory; every call then completes with the provider's answer and its callback is
 * delivered.
 */
class AsyncCallRestartIT {

    private static final int CALLS = 12;
    private static final int CONCURRENCY = 4;

    @TempDir
    Path dataDir;

    private final FlakyServer provider = FlakyServer.start("llm");
    private final FlakyServer receiver = FlakyServer.start("receiver");
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final List<FleetNode> nodes = new ArrayList<>();

    @AfterEach
    void stop() throws InterruptedException {
        for (FleetNode n : nodes) {
            if (n.isAlive()) {
                n.kill9();
            }
        }
        provider.close();
        receiver.close();
    }

    private FleetNode serve(String name, String... extra) throws IOException {
        List<String> cmd = ChildJvm.bulwark("serve", "--port", "0", "--data-dir", dataDir.toString(), "--node.name=" + name, "--log.access=false",
                "--jobs.pollInterval=50ms", "--jobs.lease=2s",
                "--jobs.queues.bulwark-calls.concurrency=" + CONCURRENCY,
                "--providers.llm.group=llm", "--providers.llm.baseUrl=" + provider.uri("/v1"),
                "--providers.llm.capacity=100",
                "--gateway.callbacks.secret=s3cret", "--gateway.callbacks.allowPrivate=true");
        cmd.addAll(List.of(extra));
        FleetNode node = FleetNode.launch(name, FleetNode.Kind.SERVE, dataDir, cmd).awaitReady(Duration.ofSeconds(90));
        nodes.add(node);
        return node;
    }

    private HttpResponse<String> send(String method, String url, String body, String... headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode call(String base, String id) throws IOException, InterruptedException {
        return Json.mapper().readTree(send("GET", base + "/api/v1/calls/" + id, null).body());
    }

    @Test
    void asyncCallsQueuedAndRunningAtAKill9CompleteAfterTheRestart() throws Exception {
        provider.echo().stall();
        FleetNode first = serve("first");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < CALLS; i++) {
            HttpResponse<String> r = send("POST", first.url() + "/api/v1/providers/llm/call/chat", "{\"n\":" + i + "}",
                    "Prefer", "respond-async", "Content-Type", "application/json",
                    "X-Bulwark-Callback", receiver.uri("/hook").toString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
            ids.add(Json.mapper().readTree(r.body()).path("id").asText());
        }
        provider.awaitStalled(CONCURRENCY, Duration.ofSeconds(30));
        long running = 0;
        long waiting = 0;
        for (String id : ids) {
            String state = call(first.url(), id).path("state").asText();
            running += state.equals("running") ? 1 : 0;
            waiting += state.equals("available") ? 1 : 0;
        }
        assertThat(running).as("calls held by the provider at the kill").isEqualTo(CONCURRENCY);
        assertThat(waiting).as("calls still queued at the kill").isEqualTo(CALLS - CONCURRENCY);

        first.kill9();
        provider.recover(); // answers the held requests (their caller is gone) and every one after them

        FleetNode second = serve("second");
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
            for (String id : ids) {
                if (!call(second.url(), id).path("state").asText().equals("completed")) {
                    return false;
                }
            }
            return true;
        });
        for (int i = 0; i < CALLS; i++) {
            JsonNode c = call(second.url(), ids.get(i));
            assertThat(c.path("response").path("status").asInt()).isEqualTo(200);
            assertThat(c.path("response").path("body").asText()).isEqualTo("{\"n\":" + i + "}");
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> receiver.requests("/hook") >= CALLS);
        for (String id : ids) {
            assertThat(call(second.url(), id).path("callback").path("state").asText()).isEqualTo("completed");
        }
        assertThat(receiver.requests("/hook")).as("one callback per call").isEqualTo(CALLS);
    }

    @Test
    void aCallWhoseNodeDiesDuringItsLastAttemptEndsDeadAndItsCallbackSaysSo() throws Exception {
        provider.echo().stall();
        FleetNode first = serve("first", "--gateway.async.maxAttempts=1");
        HttpResponse<String> r = send("POST", first.url() + "/api/v1/providers/llm/call/chat", "{}",
                "Prefer", "respond-async", "Content-Type", "application/json",
                "X-Bulwark-Callback", receiver.uri("/hook").toString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        String id = Json.mapper().readTree(r.body()).path("id").asText();
        provider.awaitStalled(1, Duration.ofSeconds(30)); // on its one and only attempt
        first.kill9();

        FleetNode second = serve("second", "--gateway.async.maxAttempts=1");
        // No handler sees that attempt end: the rescue of its expired lease ends the call dead.
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> receiver.requests("/hook") >= 1);
        JsonNode sent = Json.mapper().readTree(receiver.lastRequest().orElseThrow().bodyText());
        assertThat(sent.path("id").asText()).isEqualTo(id);
        assertThat(sent.path("state").asText()).isEqualTo("dead");
        assertThat(sent.path("error").asText()).contains("attempt 1 of 1 was lost");
        JsonNode c = call(second.url(), id);
        assertThat(c.path("state").asText()).isEqualTo("dead");
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
                .until(() -> call(second.url(), id).path("callback").path("state").asText().equals("completed"));
        assertThat(receiver.requests("/hook")).as("one callback").isEqualTo(1);
        assertThat(provider.requests()).as("the call was not tried again").isEqualTo(1);
    }
}
