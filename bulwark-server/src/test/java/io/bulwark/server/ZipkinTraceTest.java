package io.bulwark.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.bulwark.core.json.Json;
import io.bulwark.jobs.store.Claim;
import io.bulwark.jobs.store.InMemoryJobStore;
import io.bulwark.jobs.store.JobQuery;
import io.bulwark.jobs.store.Outcome;
import io.bulwark.server.internal.jobs.QueuePersistence;
import io.bulwark.server.logging.LogSetup;
import io.bulwark.test.http.FlakyServer;
import io.bulwark.test.http.RecordedRequest;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.ContextInitializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Traces end to end against a real Zipkin server (its exec jar, resolved by Maven into
 * target/zipkin, started by this class as a child process on a free port with in-memory storage):
 * a request, the job it enqueues, the job's attempts and the provider call its handler makes form
 * one trace, read back over Zipkin's API; the JSON log lines of the request carry its ids.
 */
class ZipkinTraceTest {

    private static Process zipkin;
    private static URI zipkinUri;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    @BeforeAll
    static void startZipkin(@TempDir Path logs) throws Exception {
        Path jar = Path.of(System.getProperty("bulwark.zipkin.jar", "target/zipkin/zipkin.jar"));
        assertThat(jar).as("the Zipkin exec jar, copied by maven-dependency-plugin at generate-test-resources")
                .exists();
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        zipkin = new ProcessBuilder(java, "-Xmx256m", "-jar", jar.toString(), "--server.port=" + port)
                .redirectErrorStream(true).redirectOutput(logs.resolve("zipkin.log").toFile()).start();
        zipkinUri = URI.create("http://127.0.0.1:" + port);
        try {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                    .until(() -> get("/health").path("status").asText().equals("UP"));
        } catch (RuntimeException e) {
            throw new AssertionError("Zipkin did not come up: " + Files.readString(logs.resolve("zipkin.log")), e);
        }
    }

    @AfterAll
    static void stopZipkin() {
        if (zipkin != null) {
            zipkin.destroyForcibly();
        }
    }

    @AfterEach
    void restoreTestLogging() throws Exception {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        context.reset();
        new ContextInitializer(context).autoConfig();
    }

    private static JsonNode get(String path) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(zipkinUri.resolve(path)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException(path + " answered " + r.statusCode() + ": " + r.body());
        }
        return Json.mapper().readTree(r.body());
    }

    private Map<String, String> flags(String service) {
        Map<String, String> f = new HashMap<>();
        f.put("otel.enabled", "true");
        f.put("otel.exporter", "zipkin");
        f.put("otel.endpoint", zipkinUri + "/api/v2/spans");
        f.put("otel.serviceName", service);
        f.put("jobs.pollInterval", "50ms");
        return f;
    }

    /** The spans of trace {@code traceId} once Zipkin holds at least {@code count} of them. */
    private static List<JsonNode> trace(String traceId, int count) {
        return traceUntil(traceId, spans -> spans.size() >= count);
    }

    /** The spans of trace {@code traceId} once they satisfy {@code done}. */
    private static List<JsonNode> traceUntil(String traceId, java.util.function.Predicate<List<JsonNode>> done) {
        return await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                .until(() -> {
                    List<JsonNode> spans = new ArrayList<>();
                    get("/api/v2/trace/" + traceId).forEach(spans::add);
                    return spans;
                }, done::test);
    }

    private static JsonNode only(List<JsonNode> spans, String name) {
        List<JsonNode> named = spans.stream().filter(s -> s.path("name").asText().equalsIgnoreCase(name)).toList();
        assertThat(named).as("spans named '%s' in %s", name, spans).hasSize(1);
        return named.getFirst();
    }

    private static String tag(JsonNode span, String key) {
        return span.path("tags").path(key).asText(null);
    }

    @Test
    void aRequestItsJobTheAttemptAndTheProviderCallFormOneTrace() {
        ByteArrayOutputStream logs = new ByteArrayOutputStream();
        LogSetup.configure("json", "info", logs);
        String service = "bulwark-e2e-" + UUID.randomUUID().toString().substring(0, 8);
        try (FlakyServer openai = FlakyServer.start("openai").succeed("{\"answer\":42}").failNext(1, 503)) {
            Map<String, String> f = flags(service);
            f.put("providers.openai.group", "llm");
            f.put("providers.openai.baseUrl", openai.uri().toString());
            f.put("providers.openai.retry", "twice");
            f.put("retries.twice.maxAttempts", "2");
            f.put("retries.twice.baseDelay", "10ms");
            String jobId;
            try (BulwarkServer server = BulwarkServer.builder(TestServers.config(dir, f)).configuredStore().build().start()) {
                Http api = new Http(server.uri());
                Http.Response created = api.send("POST", "/api/v1/jobs",
                        "{\"type\":\"http\",\"payload\":{\"url\":\"group:llm/v1/chat\",\"body\":\"{}\"}}", Map.of());
                assertThat(created.status()).as(created.body()).isEqualTo(201);
                jobId = created.json().get("id").asText();
                await().atMost(Duration.ofSeconds(15)).until(() -> api.get("/api/v1/jobs/" + jobId).json()
                        .path("state").asText(), "completed"::equals);
            } // closing the server flushes the spans still batched

            assertThat(openai.requests()).isEqualTo(2);
            RecordedRequest sent = openai.lastRequest().orElseThrow();
            String traceparent = sent.header("traceparent").orElseThrow();
            String traceId = traceparent.split("-")[1];

            List<JsonNode> spans = trace(traceId, 5);
            assertThat(spans).allSatisfy(s -> {
                assertThat(s.path("traceId").asText()).isEqualTo(traceId);
                assertThat(s.path("localEndpoint").path("serviceName").asText()).isEqualTo(service);
            });

            JsonNode request = only(spans, "POST /api/v1/jobs");
            assertThat(request.has("parentId")).as("the request is the root: %s", request).isFalse();
            assertThat(request.path("kind").asText()).isEqualTo("SERVER");
            assertThat(tag(request, "http.route")).isEqualTo("/api/v1/jobs");
            assertThat(tag(request, "http.response.status_code")).isEqualTo("201");

            JsonNode enqueue = only(spans, "enqueue default");
            assertThat(enqueue.path("parentId").asText()).isEqualTo(request.path("id").asText());
            assertThat(enqueue.path("kind").asText()).isEqualTo("PRODUCER");
            assertThat(tag(enqueue, "bulwark.job.id")).isEqualTo(jobId);
            assertThat(tag(enqueue, "bulwark.job.queue")).isEqualTo("default");
            assertThat(tag(enqueue, "bulwark.job.type")).isEqualTo("http");

            JsonNode attempt = only(spans, "job http");
            assertThat(attempt.path("parentId").asText()).isEqualTo(enqueue.path("id").asText());
            assertThat(attempt.path("kind").asText()).isEqualTo("CONSUMER");
            assertThat(tag(attempt, "bulwark.job.id")).isEqualTo(jobId);
            assertThat(tag(attempt, "bulwark.job.attempt")).isEqualTo("1");
            assertThat(tag(attempt, "bulwark.job.outcome")).isEqualTo("completed");

            JsonNode group = only(spans, "group llm");
            assertThat(group.path("parentId").asText()).isEqualTo(attempt.path("id").asText());
            assertThat(tag(group, "bulwark.provider.chosen")).isEqualTo("openai");
            assertThat(tag(group, "bulwark.provider.answered_by")).isEqualTo("openai");

            JsonNode provider = only(spans, "provider openai");
            assertThat(provider.path("parentId").asText()).isEqualTo(group.path("id").asText());
            assertThat(provider.path("kind").asText()).isEqualTo("CLIENT");
            assertThat(tag(provider, "bulwark.provider.attempts")).isEqualTo("2");
            assertThat(tag(provider, "http.response.status_code")).isEqualTo("200");
            List<String> annotations = new ArrayList<>();
            provider.path("annotations").forEach(a -> annotations.add(a.path("value").asText()));
            assertThat(annotations).hasSize(2);
            assertThat(annotations.get(0)).contains("bulwark.attempt=1").contains("HTTP 503");
            assertThat(annotations.get(1)).contains("bulwark.attempt=2").contains("HTTP 200");
            // The provider was told which span called it.
            assertThat(traceparent.split("-")[2]).isEqualTo(provider.path("id").asText());

            // The access log line of the request names the request's span, in JSON.
            List<JsonNode> lines = logs.toString(StandardCharsets.UTF_8).lines().map(ZipkinTraceTest::parse).toList();
            JsonNode access = lines.stream().filter(l -> l.path("logger_name").asText().equals("io.bulwark.access")
                    && l.path("message").asText().startsWith("POST /api/v1/jobs")).findFirst().orElseThrow();
            assertThat(access.path("trace_id").asText()).isEqualTo(traceId);
            assertThat(access.path("span_id").asText()).isEqualTo(request.path("id").asText());
        }
    }

    @Test
    void aCallersTraceparentIsTheParentAndEachRetriedAttemptIsAChildOfTheEnqueue() {
        String service = "bulwark-e2e-" + UUID.randomUUID().toString().substring(0, 8);
        String traceId = UUID.randomUUID().toString().replace("-", "");
        String callerSpan = "00f067aa0ba902b7";
        try (BulwarkServer server = BulwarkServer.builder(TestServers.config(dir, flags(service))).configuredStore()
                .build().start()) {
            Http api = new Http(server.uri());
            Http.Response created = api.send("POST", "/api/v1/jobs", "{\"type\":\"builtin.fail\",\"payload\":{\"times\":1},"
                    + "\"maxAttempts\":2,\"backoff\":{\"base\":\"10ms\",\"cap\":\"10ms\"}}",
                    Map.of("traceparent", "00-" + traceId + "-" + callerSpan + "-01"));
            assertThat(created.status()).as(created.body()).isEqualTo(201);
            String jobId = created.json().get("id").asText();
            await().atMost(Duration.ofSeconds(15)).until(() -> api.get("/api/v1/jobs/" + jobId).json()
                    .path("state").asText(), "completed"::equals);
        }

        List<JsonNode> spans = trace(traceId, 4);
        JsonNode request = only(spans, "POST /api/v1/jobs");
        assertThat(request.path("parentId").asText()).isEqualTo(callerSpan);
        JsonNode enqueue = only(spans, "enqueue default");
        assertThat(enqueue.path("parentId").asText()).isEqualTo(request.path("id").asText());
        List<JsonNode> attempts = spans.stream().filter(s -> s.path("name").asText().equalsIgnoreCase("job builtin.fail"))
                .sorted(java.util.Comparator.comparing(s -> tag(s, "bulwark.job.attempt"))).toList();
        assertThat(attempts).hasSize(2);
        assertThat(attempts).allSatisfy(a -> assertThat(a.path("parentId").asText()).isEqualTo(enqueue.path("id").asText()));
        assertThat(tag(attempts.get(0), "bulwark.job.outcome")).isEqualTo("retry");
        assertThat(tag(attempts.get(0), "otel.status_code")).isEqualTo("ERROR");
        assertThat(tag(attempts.get(0), "error")).isNotBlank();
        assertThat(tag(attempts.get(1), "bulwark.job.attempt")).isEqualTo("2");
        assertThat(tag(attempts.get(1), "bulwark.job.outcome")).isEqualTo("completed");
    }

    @Test
    void aCallerThatSaysNotSampledIsFollowedAndNothingIsExported() throws Exception {
        String service = "bulwark-unsampled-" + UUID.randomUUID().toString().substring(0, 8);
        String traceId = UUID.randomUUID().toString().replace("-", "");
        try (BulwarkServer server = BulwarkServer.builder(TestServers.config(dir, flags(service))).configuredStore()
                .build().start()) {
            Http api = new Http(server.uri());
            assertThat(api.get("/api/v1/queues", Map.of("traceparent", "00-" + traceId + "-00f067aa0ba902b7-00"))
                    .status()).isEqualTo(200);
            // A sampled request after it, so that there is something to wait for in the same export.
            assertThat(api.get("/api/v1/queues").status()).isEqualTo(200);
        }
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                .until(() -> get("/api/v2/traces?serviceName=" + service).size() == 1);
        HttpResponse<String> unsampled = HTTP.send(HttpRequest.newBuilder(zipkinUri.resolve("/api/v2/trace/" + traceId))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(unsampled.statusCode()).isEqualTo(404);
    }

    private static final String TWO_STEPS = """
            {"id": "two", "steps": [
              {"id": "first", "type": "builtin.echo", "input": {"n": 1}},
              {"id": "second", "type": "builtin.echo", "after": ["first"], "input": {"n": 2}}
            ]}""";

    private static long endOf(JsonNode span) {
        return span.path("timestamp").asLong() + span.path("duration").asLong();
    }

    /** The enqueues that made a job: an advance racing another may enqueue a step again, answered as replayed. */
    private static List<JsonNode> enqueuesThatMadeAJob(List<JsonNode> spans) {
        return spans.stream().filter(s -> s.path("name").asText().startsWith("enqueue"))
                .filter(s -> "false".equals(tag(s, "bulwark.job.replayed"))).toList();
    }

    @Test
    void aPipelineRunIsOneSpanUnderTheRequestOverItsStepsEnqueuesAndTheirAttempts() {
        String service = "bulwark-e2e-" + UUID.randomUUID().toString().substring(0, 8);
        String traceId = UUID.randomUUID().toString().replace("-", "");
        String run;
        try (BulwarkServer server = BulwarkServer.builder(TestServers.config(dir, flags(service))).configuredStore()
                .build().start()) {
            Http api = new Http(server.uri());
            assertThat(api.send("POST", "/api/v1/pipelines", TWO_STEPS, Map.of()).status()).isEqualTo(201);
            Http.Response started = api.send("POST", "/api/v1/pipelines/two/runs", "{\"input\": {}}",
                    Map.of("traceparent", "00-" + traceId + "-00f067aa0ba902b7-01"));
            assertThat(started.status()).as(started.body()).isEqualTo(201);
            run = started.json().get("id").asText();
            await().atMost(Duration.ofSeconds(15)).until(() -> api.get("/api/v1/runs/" + run).json()
                    .path("state").asText(), "completed"::equals);
        }

        List<JsonNode> spans = traceUntil(traceId, all -> all.stream()
                .filter(x -> x.path("name").asText().equals("job builtin.echo")).count() == 2
                && all.stream().anyMatch(x -> x.path("name").asText().equals("pipeline two")));
        JsonNode request = only(spans, "POST /api/v1/pipelines/{id}/runs");
        assertThat(request.path("parentId").asText()).isEqualTo("00f067aa0ba902b7");

        JsonNode runSpan = only(spans, "pipeline two");
        assertThat(runSpan.path("parentId").asText()).as("the request that started the run")
                .isEqualTo(request.path("id").asText());
        assertThat(runSpan.has("kind")).as("internal: Zipkin shows no kind").isFalse();
        assertThat(tag(runSpan, "bulwark.pipeline.name")).isEqualTo("two");
        assertThat(tag(runSpan, "bulwark.pipeline.run_id")).isEqualTo(run);
        assertThat(tag(runSpan, "bulwark.pipeline.outcome")).isEqualTo("completed");

        List<JsonNode> enqueues = enqueuesThatMadeAJob(spans);
        List<JsonNode> attempts = spans.stream().filter(s -> s.path("name").asText().equals("job builtin.echo")).toList();
        assertThat(enqueues).hasSize(2).allSatisfy(e -> assertThat(e.path("parentId").asText())
                .as("every step's enqueue hangs under the run, the second one's advanced by the worker's outcome too")
                .isEqualTo(runSpan.path("id").asText()));
        assertThat(attempts).extracting(a -> a.path("parentId").asText())
                .containsExactlyInAnyOrderElementsOf(enqueues.stream().map(e -> e.path("id").asText()).toList());

        // The run's span covers its steps: it starts when the run starts, before its first enqueue, and ends when
        // the run ends, after its last attempt.
        long runStart = runSpan.path("timestamp").asLong();
        assertThat(enqueues).allSatisfy(e -> assertThat(e.path("timestamp").asLong()).isGreaterThanOrEqualTo(runStart));
        assertThat(attempts).allSatisfy(a -> assertThat(endOf(a)).isLessThanOrEqualTo(endOf(runSpan)));
        assertThat(runStart).as("within the request (the store stamps the run's start in whole milliseconds)")
                .isGreaterThanOrEqualTo(request.path("timestamp").asLong() - 1_000);
    }

    @Test
    void aStepTheLeadersSweepAdvancesAfterAMissedNotificationStaysInTheRunsTrace() {
        String service = "bulwark-e2e-" + UUID.randomUUID().toString().substring(0, 8);
        String traceId = UUID.randomUUID().toString().replace("-", "");
        InMemoryJobStore store = new InMemoryJobStore(InstantSource.system());
        Map<String, String> f = flags(service);
        f.put("jobs.serveQueues", "default"); // this node's worker never runs a step: the test does, unheard
        String run;
        try (BulwarkServer server = BulwarkServer.builder(TestServers.config(dir, f))
                .jobStore(store, QueuePersistence.none()).build().start()) {
            Http api = new Http(server.uri());
            assertThat(api.send("POST", "/api/v1/pipelines", TWO_STEPS, Map.of()).status()).isEqualTo(201);
            Http.Response started = api.send("POST", "/api/v1/pipelines/two/runs", "{\"input\": {}}",
                    Map.of("traceparent", "00-" + traceId + "-00f067aa0ba902b7-01"));
            assertThat(started.status()).as(started.body()).isEqualTo(201);
            run = started.json().get("id").asText();

            // The first step's job ends in the store, by hand: no worker records it, so no listener advances the
            // run. Only the leader's sweep (every second) can enqueue the second step, and then end the run.
            for (String step : List.of("first", "second")) {
                List<Claim> claims = await().atMost(Duration.ofSeconds(15)).until(
                        () -> store.claim("pipelines", "by-hand", 10, Duration.ofMinutes(1)), c -> !c.isEmpty());
                assertThat(claims).singleElement().satisfies(c -> assertThat(c.job().idempotencyKey()).endsWith(step));
                Claim c = claims.getFirst();
                store.complete(List.of(new Outcome.Succeeded(Outcome.lease(c.job().id(), c.token()), c.job().payload())));
            }
            await().atMost(Duration.ofSeconds(15)).until(() -> api.get("/api/v1/runs/" + run).json()
                    .path("state").asText(), "completed"::equals);
        }

        List<JsonNode> spans = traceUntil(traceId, all -> all.stream()
                .anyMatch(x -> x.path("name").asText().equals("pipeline two")));
        JsonNode request = only(spans, "POST /api/v1/pipelines/{id}/runs");
        JsonNode runSpan = only(spans, "pipeline two");
        assertThat(runSpan.path("parentId").asText()).isEqualTo(request.path("id").asText());
        assertThat(tag(runSpan, "bulwark.pipeline.outcome")).as("ended by a sweep").isEqualTo("completed");
        List<JsonNode> enqueues = enqueuesThatMadeAJob(spans);
        assertThat(enqueues).hasSize(2).allSatisfy(e -> {
            assertThat(e.path("traceId").asText()).isEqualTo(traceId);
            assertThat(e.path("parentId").asText()).isEqualTo(runSpan.path("id").asText());
        });
        assertThat(store.list(new JobQuery("pipelines", null, null, null, 10))).hasSize(2)
                .allSatisfy(j -> assertThat(j.traceparent()).as("so their attempts would join it too")
                        .startsWith("00-" + traceId + "-"));
    }

    @Test
    void aMessagePublishedOverTheApiCarriesItsTraceThroughTheBrokerToTheJobABridgeMakes() {
        io.bulwark.test.services.LocalServices.require(io.bulwark.test.services.LocalService.REDIS);
        String service = "bulwark-e2e-" + UUID.randomUUID().toString().substring(0, 8);
        String traceId = UUID.randomUUID().toString().replace("-", "");
        String topic = "traced-" + UUID.randomUUID();
        Map<String, String> f = flags(service);
        f.putAll(Map.of("messaging.connections.bus.type", "redis-streams",
                "messaging.connections.bus.url", "redis://127.0.0.1:6379",
                "messaging.bridges.orders.connection", "bus", "messaging.bridges.orders.topic", topic,
                "messaging.bridges.orders.type", "builtin.echo", "messaging.bridges.orders.queue", "orders"));
        try (BulwarkServer server = BulwarkServer.builder(TestServers.config(dir, f)).configuredStore().build().start()) {
            Http api = new Http(server.uri());
            await().atMost(Duration.ofSeconds(15)).until(() -> api.get("/api/v1/messaging").json()
                    .path("connections").path(0).path("up").asBoolean());
            Http.Response published = api.send("POST", "/api/v1/messaging/bus/publish",
                    "{\"topic\": \"" + topic + "\", \"message\": {\"order\": 7}}",
                    Map.of("traceparent", "00-" + traceId + "-00f067aa0ba902b7-01"));
            assertThat(published.status()).as(published.body()).isEqualTo(201);
            await().atMost(Duration.ofSeconds(15)).until(() -> api.get("/api/v1/jobs?queue=orders&state=completed")
                    .json().path("items").size() == 1);
        }

        List<JsonNode> spans = trace(traceId, 4);
        JsonNode request = only(spans, "POST /api/v1/messaging/{connection}/publish");
        JsonNode publish = only(spans, "publish " + topic);
        JsonNode receive = only(spans, "receive " + topic);
        JsonNode attempt = only(spans, "job builtin.echo");
        assertThat(publish.path("parentId").asText()).isEqualTo(request.path("id").asText());
        assertThat(publish.path("kind").asText()).isEqualTo("PRODUCER");
        assertThat(receive.path("parentId").asText()).as("the message's traceparent header")
                .isEqualTo(publish.path("id").asText());
        assertThat(receive.path("kind").asText()).isEqualTo("CONSUMER");
        assertThat(tag(receive, "messaging.system")).isEqualTo("redis-streams");
        assertThat(attempt.path("parentId").asText()).as("the job continues the receive, through the group commit")
                .isEqualTo(receive.path("id").asText());
    }

    private static JsonNode parse(String line) {
        try {
            return Json.mapper().readTree(line);
        } catch (Exception e) {
            throw new AssertionError("not a JSON log line: " + line, e);
        }
    }
}
