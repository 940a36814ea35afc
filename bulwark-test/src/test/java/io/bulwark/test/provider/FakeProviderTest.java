package io.bulwark.test.provider;

import com.fasterxml.jackson.databind.JsonNode;
import io.bulwark.core.json.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link FakeProvider} over real HTTP on a free loopback port. */
class FakeProviderTest {

    private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
    private static final String HELLO = """
            {"model": "gpt-4o-mini", "messages": [
              {"role": "system", "content": "You are terse."},
              {"role": "user", "content": "first question"},
              {"role": "assistant", "content": "an answer"},
              {"role": "user", "content": "Hello from the tour"}]}""";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final List<FakeProvider> started = new ArrayList<>();

    @AfterEach
    void close() {
        started.forEach(FakeProvider::close);
    }

    private FakeProvider start(FakeMode mode, long seed) throws IOException {
        FakeProvider fake = FakeProvider.start(new InetSocketAddress("127.0.0.1", 0), mode, new Random(seed),
                InstantSource.fixed(NOW));
        started.add(fake);
        return fake;
    }

    private HttpResponse<String> post(FakeProvider fake, String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(fake.uri().resolve(path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer sk-anything").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(FakeProvider fake, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(fake.uri().resolve(path)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> r) throws IOException {
        return Json.mapper().readTree(r.body());
    }

    @Test
    void answersAChatCompletionThatEchoesTheLastUserMessage() throws Exception {
        FakeProvider fake = start(FakeMode.HEALTHY, 1);
        HttpResponse<String> r = post(fake, "/v1/chat/completions", HELLO);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
        JsonNode c = json(r);
        assertThat(c.path("id").asText()).startsWith("chatcmpl-");
        assertThat(c.path("object").asText()).isEqualTo("chat.completion");
        assertThat(c.path("created").asLong()).isEqualTo(NOW.getEpochSecond());
        assertThat(c.path("model").asText()).as("the model asked for is echoed").isEqualTo("gpt-4o-mini");
        assertThat(c.path("choices")).hasSize(1);
        JsonNode choice = c.path("choices").get(0);
        assertThat(choice.path("message").path("role").asText()).isEqualTo("assistant");
        assertThat(choice.path("message").path("content").asText()).isEqualTo("Hello from the tour");
        assertThat(choice.path("finish_reason").asText()).isEqualTo("stop");
        JsonNode usage = c.path("usage");
        assertThat(usage.path("prompt_tokens").asInt()).as("words of every message").isEqualTo(11);
        assertThat(usage.path("completion_tokens").asInt()).isEqualTo(4);
        assertThat(usage.path("total_tokens").asInt()).isEqualTo(15);

        JsonNode models = json(get(fake, "/v1/models"));
        assertThat(models.path("object").asText()).isEqualTo("list");
        assertThat(models.path("data").get(0).path("id").asText()).isEqualTo("fake");
        assertThat(fake.stats()).isEqualTo(new FakeProvider.Stats(2, 0, 1, 0, 0));
    }

    @Test
    void streamsChunksWordByWordThenDone() throws Exception {
        FakeProvider fake = start(FakeMode.HEALTHY, 1);
        HttpResponse<String> r = post(fake, "/v1/chat/completions",
                "{\"stream\": true, \"stream_options\": {\"include_usage\": true},"
                        + " \"messages\": [{\"role\": \"user\", \"content\": \"Hello from the tour\"}]}");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("text/event-stream");
        List<String> events = List.of(r.body().split("\n\n"));
        assertThat(events).allSatisfy(e -> assertThat(e).startsWith("data: "));
        assertThat(events.getLast()).isEqualTo("data: [DONE]");
        List<JsonNode> chunks = new ArrayList<>();
        for (String e : events.subList(0, events.size() - 1)) {
            chunks.add(Json.mapper().readTree(e.substring("data: ".length())));
        }
        assertThat(chunks).allSatisfy(c -> {
            assertThat(c.path("object").asText()).isEqualTo("chat.completion.chunk");
            assertThat(c.path("id").asText()).isEqualTo(chunks.getFirst().path("id").asText());
            assertThat(c.path("model").asText()).isEqualTo("fake");
        });
        assertThat(chunks.getFirst().at("/choices/0/delta/role").asText()).isEqualTo("assistant");
        StringBuilder content = new StringBuilder();
        chunks.forEach(c -> content.append(c.at("/choices/0/delta/content").asText("")));
        assertThat(content).hasToString("Hello from the tour");
        assertThat(chunks).hasSize(1 + 4 + 2);
        assertThat(chunks.get(5).at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        assertThat(chunks.get(6).path("choices")).isEmpty();
        assertThat(chunks.get(6).at("/usage/total_tokens").asInt()).isEqualTo(8);
        assertThat(fake.stats().streams()).isEqualTo(1);
    }

    @Test
    void failsEveryRequestWithTheFailStatusAtRateOne() throws Exception {
        FakeProvider fake = start(FakeMode.of(Duration.ZERO, 1.0, 429), 1);
        for (int i = 0; i < 5; i++) {
            HttpResponse<String> r = post(fake, "/v1/chat/completions", HELLO);
            assertThat(r.statusCode()).isEqualTo(429);
            assertThat(json(r).at("/error/code").asText()).isEqualTo("fake_failure");
        }
        assertThat(get(fake, "/v1/models").statusCode()).isEqualTo(429);
        assertThat(get(fake, "/fake/stats").statusCode()).as("the control routes never fail").isEqualTo(200);
        JsonNode stats = json(get(fake, "/fake/stats"));
        assertThat(stats.path("requests").asLong()).isEqualTo(6);
        assertThat(stats.path("failures").asLong()).isEqualTo(6);
        assertThat(stats.path("completions").asLong()).isZero();
    }

    @Test
    void a429CarriesRetryAfterAsSetOrOneSecond() throws Exception {
        FakeProvider fake = start(FakeMode.of(Duration.ZERO, 1.0, 429), 1);
        assertThat(get(fake, "/v1/models").headers().firstValue("Retry-After")).hasValue("1");
        fake.mode(fake.mode().withRetryAfter(Duration.ofMillis(2500)));
        HttpResponse<String> r = post(fake, "/v1/chat/completions", HELLO);
        assertThat(r.statusCode()).isEqualTo(429);
        assertThat(r.headers().firstValue("Retry-After")).as("whole seconds, rounded up").hasValue("3");
        assertThat(post(fake, "/fake/mode", "{\"failStatus\": 503, \"retryAfter\": \"0s\"}").statusCode()).isEqualTo(200);
        assertThat(get(fake, "/v1/models").headers().firstValue("Retry-After")).as("a 503 without one set").isEmpty();
    }

    @Test
    void aStreamCutAfterTwoChunksBreaksOffWithoutItsEnd() throws Exception {
        FakeProvider fake = start(FakeMode.HEALTHY, 1);
        assertThat(post(fake, "/fake/mode", "{\"cutAfterChunks\": 2}").statusCode()).isEqualTo(200);
        Streamed r = stream(fake, "one two three four");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.failure()).as("the client sees the stream break, not a clean end").isInstanceOf(IOException.class);
        assertThat(r.body()).as("the two chunks sent before the cut arrive whole").endsWith("\n\n").doesNotContain("[DONE]");
        List<String> events = List.of(r.body().split("\n\n"));
        assertThat(events).hasSize(2).allSatisfy(e -> assertThat(e).startsWith("data: {"));
        assertThat(Json.mapper().readTree(events.get(1).substring("data: ".length())).at("/choices/0/delta/content").asText())
                .isEqualTo("one ");
        assertThat(json(get(fake, "/fake/stats")).path("cuts").asLong()).isEqualTo(1);
    }

    @Test
    void aStreamCutAfterItsLastChunkLosesOnlyTheEndAndALongerCountNeverCuts() throws Exception {
        // "one two" streams four chunks: the role, two words, finish_reason.
        FakeProvider fake = start(FakeMode.HEALTHY.withCutAfterChunks(4), 1);
        Streamed cut = stream(fake, "one two");
        assertThat(cut.failure()).isInstanceOf(IOException.class);
        assertThat(cut.body().split("\n\n")).hasSize(4);
        assertThat(cut.body()).doesNotContain("[DONE]");

        fake.mode(fake.mode().withCutAfterChunks(5));
        Streamed whole = stream(fake, "one two");
        assertThat(whole.failure()).isNull();
        assertThat(whole.body()).endsWith("data: [DONE]\n\n");
        assertThat(fake.stats()).isEqualTo(new FakeProvider.Stats(2, 0, 2, 2, 1));
    }

    @Test
    void aCutAtZeroDropsTheConnectionBeforeAnyAnswer() throws Exception {
        FakeProvider fake = start(FakeMode.HEALTHY.withCutAfterChunks(0), 1);
        Streamed r = stream(fake, "hi");
        assertThat(r.status()).as("no status line: a connection failure").isZero();
        assertThat(r.failure()).isInstanceOf(IOException.class);
        assertThat(post(fake, "/v1/chat/completions", HELLO).statusCode()).as("answers that do not stream are whole")
                .isEqualTo(200);
        assertThat(fake.stats().cuts()).isEqualTo(1);
    }

    /** A streamed answer as the client saw it: the status (0 when none came), the bytes, how it ended (null: cleanly). */
    private record Streamed(int status, String body, Throwable failure) {
    }

    /**
     * Streams {@code content} back, keeping every byte that arrived before a failure: the client's
     * {@code ofInputStream} may drop bytes it already holds once the connection fails, so it cannot
     * tell how many chunks came before a cut.
     */
    private Streamed stream(FakeProvider fake, String content) throws InterruptedException {
        AtomicInteger status = new AtomicInteger();
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        HttpRequest request = HttpRequest.newBuilder(fake.uri().resolve("/v1/chat/completions")).timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"stream\": true, \"messages\": [{\"role\": \"user\", \"content\": \"" + content + "\"}]}"))
                .build();
        Throwable failure = null;
        try {
            http.send(request, info -> {
                status.set(info.statusCode());
                return HttpResponse.BodySubscribers.ofByteArrayConsumer(bytes -> bytes.ifPresent(got::writeBytes));
            });
        } catch (IOException e) {
            failure = e;
        }
        return new Streamed(status.get(), got.toString(StandardCharsets.UTF_8), failure);
    }

    @Test
    void theJavaWithersCheckTheirValuesNamingTheField() {
        assertThat(FakeMode.HEALTHY.withRetryAfter(Duration.ofSeconds(2)).withCutAfterChunks(3))
                .isEqualTo(new FakeMode(Duration.ZERO, 0.0, 503, Duration.ofSeconds(2), 3));
        assertThatThrownBy(() -> FakeMode.HEALTHY.withRetryAfter(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("retryAfter must be from 0s (none) to 1h but was -1s");
        assertThatThrownBy(() -> FakeMode.HEALTHY.withCutAfterChunks(10_001))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("cutAfterChunks must be -1 (never cut)").hasMessageEndingWith("but was 10001");
        assertThat(FakeMode.of(Duration.ZERO, 1.0, 429).retryAfterHeader()).as("a 429 always says when").isEqualTo("1");
        assertThat(FakeMode.of(Duration.ZERO, 1.0, 503).retryAfterHeader()).isNull();
        assertThat(FakeMode.of(Duration.ZERO, 1.0, 503).withRetryAfter(Duration.ofMillis(1001)).retryAfterHeader())
                .isEqualTo("2");
        assertThat(FakeMode.of(Duration.ZERO, 1.0, 503).withRetryAfter(Duration.ofNanos(1)).retryAfterHeader())
                .as("rounded up, never down to 0").isEqualTo("1");
    }


    @Test
    void theSameSeedFailsTheSameRequests() throws Exception {
        List<Integer> first = statuses(start(FakeMode.of(Duration.ZERO, 0.5, 503), 42));
        List<Integer> second = statuses(start(FakeMode.of(Duration.ZERO, 0.5, 503), 42));
        assertThat(first).isEqualTo(second).contains(200, 503);
    }

    private List<Integer> statuses(FakeProvider fake) throws Exception {
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            statuses.add(get(fake, "/v1/models").statusCode());
        }
        return statuses;
    }

    @Test
    void appliesTheLatencySetThroughTheModeEndpoint() throws Exception {
        FakeProvider fake = start(FakeMode.HEALTHY, 1);
        HttpResponse<String> set = post(fake, "/fake/mode", "{\"latency\": \"300ms\"}");
        assertThat(set.statusCode()).as(set.body()).isEqualTo(200);
        assertThat(json(set)).isEqualTo(Json.mapper().readTree(
                "{\"latency\":\"300ms\",\"failRate\":0.0,\"failStatus\":503,\"retryAfter\":\"0s\",\"cutAfterChunks\":-1}"));
        assertThat(json(get(fake, "/fake/mode")).path("latency").asText()).isEqualTo("300ms");

        long before = System.nanoTime();
        HttpResponse<String> slow = post(fake, "/v1/chat/completions", HELLO);
        Duration took = Duration.ofNanos(System.nanoTime() - before);
        assertThat(slow.statusCode()).isEqualTo(200);
        assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(300));

        HttpResponse<String> failing = post(fake, "/fake/mode", "{\"latency\": \"0s\", \"failRate\": 1, \"failStatus\": 500}");
        assertThat(failing.statusCode()).isEqualTo(200);
        assertThat(fake.mode()).isEqualTo(FakeMode.of(Duration.ZERO, 1.0, 500));
        assertThat(post(fake, "/v1/chat/completions", HELLO).statusCode()).isEqualTo(500);
    }

    @Test
    void refusesBadModesAndRequestsNamingTheField() throws Exception {
        FakeProvider fake = start(FakeMode.HEALTHY, 1);
        assertProblem(post(fake, "/fake/mode", "{\"failRate\": 1.5}"), "failRate must be from 0.0 to 1.0 but was 1.5");
        assertProblem(post(fake, "/fake/mode", "{\"failStatus\": 200}"),
                "failStatus must be an HTTP error status from 400 to 599 but was 200");
        assertProblem(post(fake, "/fake/mode", "{\"latency\": \"soon\"}"),
                "latency expected a duration such as 250ms, 30s, 5m, 1h, 2d or ISO-8601 PT30S but was 'soon'");
        assertProblem(post(fake, "/fake/mode", "{\"latency\": 2000}"), "latency must be a duration string");
        assertProblem(post(fake, "/fake/mode", "{\"failrate\": 1}"), "failrate: unknown field; allowed: latency, failRate, failStatus, retryAfter, cutAfterChunks");
        assertProblem(post(fake, "/fake/mode", "{"), "the body is not valid JSON at line 1");
        assertProblem(post(fake, "/fake/mode", "{\"retryAfter\": \"2h\"}"), "retryAfter must be from 0s (none) to 1h but was 2h");
        assertProblem(post(fake, "/fake/mode", "{\"retryAfter\": 3}"), "retryAfter must be a duration string");
        assertProblem(post(fake, "/fake/mode", "{\"cutAfterChunks\": -2}"), "cutAfterChunks must be -1 (never cut)");
        assertProblem(post(fake, "/fake/mode", "{\"cutAfterChunks\": 1.5}"), "cutAfterChunks must be a whole number");
        assertThat(fake.mode()).as("a refused change changes nothing").isEqualTo(FakeMode.HEALTHY);

        HttpResponse<String> noMessages = post(fake, "/v1/chat/completions", "{\"model\": \"fake\"}");
        assertThat(noMessages.statusCode()).isEqualTo(400);
        assertThat(json(noMessages).at("/error/param").asText()).isEqualTo("messages");
        assertThat(json(noMessages).at("/error/type").asText()).isEqualTo("invalid_request_error");
        assertThat(get(fake, "/v1/chat/completions").statusCode()).isEqualTo(405);
        assertThat(get(fake, "/v1/embeddings").statusCode()).isEqualTo(404);
    }

    private static void assertProblem(HttpResponse<String> r, String detail) throws IOException {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(json(r).path("detail").asText()).contains(detail);
    }
}
