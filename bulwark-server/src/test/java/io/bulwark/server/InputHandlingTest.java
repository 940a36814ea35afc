package io.bulwark.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.bulwark.jobs.store.InMemoryJobStore;
import io.bulwark.server.internal.jobs.QueuePersistence;
import io.bulwark.test.http.FlakyServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * How the API reads what callers send: bodies whatever their transfer encoding, content types,
 * numbers, text and ranges. Each test is named after the hole a probe of the running server found.
 */
class InputHandlingTest {

    @TempDir
    Path dir;

    private final FlakyServer upstream = FlakyServer.start("upstream");
    private BulwarkServer server;
    private Http http;

    @BeforeEach
    void start() {
        server = BulwarkServer.builder(TestServers.config(dir, Map.of("jobs.pollInterval", "50ms", "log.access", "false",
                        "providers.up.group", "llm", "providers.up.baseUrl", upstream.uri() + "/base")))
                .jobStore(new InMemoryJobStore(InstantSource.system()), QueuePersistence.none())
                .build().start();
        http = new Http(server.uri());
    }

    @AfterEach
    void stop() {
        server.close();
        upstream.close();
    }

    static JsonNode assertProblem(Http.Response r, int status, String type) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.header("Content-Type")).isEqualTo("application/problem+json");
        JsonNode p = r.json();
        assertThat(p.get("type").asText()).isEqualTo("urn:bulwark:problem:" + type);
        return p;
    }

    /** The field errors of a 400 validation problem, as "field: message" lines. */
    static JsonNode assertFieldError(Http.Response r, String field) {
        JsonNode p = assertProblem(r, 400, "validation");
        for (JsonNode e : p.get("errors")) {
            if (e.get("field").asText().equals(field)) {
                return e;
            }
        }
        throw new AssertionError("no error names '" + field + "': " + r.body());
    }

    private String deadJob() {
        Http.Response r = http.send("POST", "/api/v1/jobs",
                "{\"type\":\"builtin.fail\",\"queue\":\"dlq\",\"payload\":{\"times\":5},\"maxAttempts\":1}", Map.of());
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        String id = r.json().get("id").asText();
        await().atMost(Duration.ofSeconds(10)).until(() -> http.get("/api/v1/jobs/" + id).json().get("state").asText(),
                "dead"::equals);
        return id;
    }

    @Test
    void aChunkedDeadRetryWithOneIdRetriesOnlyThatJob() {
        String first = deadJob();
        String second = deadJob();

        Http.Response r = http.sendChunked("POST", "/api/v1/queues/dlq/dead/retry", "{\"ids\":[\"" + first + "\"]}", Map.of());

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().get("retried").asInt()).isEqualTo(1);
        assertThat(http.get("/api/v1/jobs/" + second).json().get("state").asText()).isEqualTo("dead");
    }

    @Test
    void aChunkedDegradationEnterKeepsItsReason() {
        Http.Response r = http.sendChunked("POST", "/api/v1/degradation/llm/enter", "{\"reason\":\"incident 42\"}", Map.of());

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().get("reason").asText()).contains("incident 42");
    }

    @Test
    void everyBadFieldIsReportedInOneProblem() {
        Http.Response r = http.send("POST", "/api/v1/jobs", "{\"type\":\"http\",\"priority\":\"high\",\"bogus\":1,"
                + "\"backoff\":{\"factor\":\"x\"}}", Map.of());
        assertThat(assertFieldError(r, "priority").get("message").asText()).contains("an integer");
        assertThat(assertFieldError(r, "bogus").get("message").asText()).startsWith("unknown field; allowed: ");
        assertFieldError(r, "backoff.factor");
        Http.Response batch = http.send("POST", "/api/v1/jobs/batch", "{\"jobs\":[{\"type\":\"x\",\"priority\":true},"
                + "{\"type\":\"x\",\"maxAttempts\":\"many\"}]}", Map.of());
        assertFieldError(batch, "jobs[0].priority");
        assertFieldError(batch, "jobs[1].maxAttempts");
    }

    @Test
    void aPayloadThatDoesNotFitItsHandlerIsRefusedAtEnqueueNamingTheField() {
        Http.Response wrongName = http.send("POST", "/api/v1/jobs", "{\"type\":\"builtin.sleep\",\"payload\":{\"millis\":1500}}",
                Map.of());
        assertThat(assertFieldError(wrongName, "payload.millis").get("message").asText()).contains("allowed: ms");
        Http.Response wrongType = http.send("POST", "/api/v1/jobs", "{\"type\":\"builtin.sleep\",\"payload\":{\"ms\":\"long\"}}",
                Map.of());
        assertThat(assertFieldError(wrongType, "payload.ms").get("message").asText()).contains("an integer");
        assertThat(http.send("POST", "/api/v1/jobs", "{\"type\":\"builtin.sleep\",\"payload\":{\"ms\":5}}", Map.of())
                .status()).isEqualTo(201);
        assertThat(http.send("POST", "/api/v1/jobs", "{\"type\":\"builtin.echo\",\"payload\":{\"any\":[1]}}", Map.of())
                .status()).as("a handler that takes any JSON takes any payload").isEqualTo(201);
    }

    /** Found by ApiBodiesFuzzTest: "{" then NUL bytes made the parser guess UTF-32 and fail with a 500. */
    @Test
    void bodiesThatAreNotUtf8AreRefusedAsMalformedNotA500() {
        for (byte[] body : java.util.List.of("{\0\0\0\0\0\0\0/apnf".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1),
                new byte[]{'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'},
                "\0\0\0{".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1))) {
            Http.Response r = http.send(java.net.http.HttpRequest.newBuilder(server.uri().resolve("/api/v1/jobs"))
                    .header("Content-Type", "application/json")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(body)).build());
            assertThat(r.status()).as(r.body()).isEqualTo(400);
            assertThat(r.header("Content-Type")).isEqualTo("application/problem+json");
        }
        Http.Response bom = http.send("POST", "/api/v1/jobs", "\uFEFF{\"type\":\"builtin.noop\"}", Map.of());
        assertThat(bom.status()).as("a leading byte-order mark is ignored: " + bom.body()).isEqualTo(201);
    }

    @Test
    void aBodyThatIsNotDeclaredJsonIs415() {
        String job = "{\"type\":\"builtin.noop\"}";
        JsonNode text = assertProblem(http.send("POST", "/api/v1/jobs", job, Map.of("Content-Type", "text/plain")),
                415, "unsupported-media-type");
        assertThat(text.get("detail").asText()).contains("application/json").contains("text/plain");
        assertProblem(http.send("POST", "/api/v1/jobs", "type=builtin.noop",
                Map.of("Content-Type", "application/x-www-form-urlencoded")), 415, "unsupported-media-type");
        assertProblem(http.send("POST", "/api/v1/degradation/llm/enter", "{\"reason\":\"x\"}",
                Map.of("Content-Type", "text/plain")), 415, "unsupported-media-type");

        assertThat(http.send("POST", "/api/v1/jobs", job, Map.of("Content-Type", "application/json; charset=utf-8")).status())
                .isEqualTo(201);
        assertThat(http.send("POST", "/api/v1/jobs", job, Map.of("Content-Type", "application/vnd.bulwark+json")).status())
                .isEqualTo(201);
        assertThat(http.send("POST", "/api/v1/queues/dlq/dead/retry", null, Map.of()).status())
                .as("a request without a body needs no content type").isEqualTo(200);
    }

    @Test
    void aJobTakesAtMost32TagsAndAProblemListsAtMost50Errors() {
        String tags = java.util.stream.IntStream.range(0, 20_000).mapToObj(i -> "\"t" + i + "\"")
                .collect(java.util.stream.Collectors.joining(","));
        JsonNode e = assertFieldError(http.send("POST", "/api/v1/jobs", "{\"type\":\"builtin.noop\",\"tags\":[" + tags + "]}",
                Map.of()), "tags");
        assertThat(e.get("message").asText()).isEqualTo("holds 20000 distinct tags; at most 32");
        String blank = String.join(",", java.util.Collections.nCopies(5_000, "\" \""));
        Http.Response r = http.send("POST", "/api/v1/jobs", "{\"type\":\"builtin.noop\",\"tags\":[" + blank + "]}", Map.of());
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("errors").size()).as("one error per bad tag, the first 50 listed").isEqualTo(50);
        assertThat(r.json().get("detail").asText()).isEqualTo("invalid job (the first 50 of 5000 errors are listed)");
        String same = String.join(",", java.util.Collections.nCopies(100, "\"dup\""));
        assertThat(http.send("POST", "/api/v1/jobs", "{\"type\":\"builtin.noop\",\"queue\":\"tags\",\"tags\":[" + same + "]}",
                Map.of()).status()).as("one distinct tag given 100 times").isEqualTo(201);
    }

    @Test
    void aCompressedBodyIs415NotAnEncodingError() throws Exception {
        java.io.ByteArrayOutputStream zipped = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream gz = new java.util.zip.GZIPOutputStream(zipped)) {
            gz.write("{\"type\":\"builtin.noop\",\"queue\":\"gz\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        Http.Response gzip = http.send(java.net.http.HttpRequest.newBuilder(server.uri().resolve("/api/v1/jobs"))
                .header("Content-Type", "application/json").header("Content-Encoding", "gzip")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(zipped.toByteArray())).build());
        JsonNode p = assertProblem(gzip, 415, "unsupported-media-type");
        assertThat(p.get("detail").asText()).isEqualTo("the request body must be sent uncompressed, but it came with "
                + "Content-Encoding: gzip");
        assertProblem(http.send("POST", "/api/v1/jobs", "{\"type\":\"builtin.noop\",\"queue\":\"gz\"}",
                Map.of("Content-Encoding", "br")), 415, "unsupported-media-type");
        assertThat(http.get("/api/v1/jobs?queue=gz").json().get("items")).as("nothing was enqueued").isEmpty();
        assertThat(http.send("POST", "/api/v1/jobs", "{\"type\":\"builtin.noop\",\"queue\":\"gz\"}",
                Map.of("Content-Encoding", "identity")).status()).isEqualTo(201);
    }

    @Test
    void aFractionIsNotAnIntegerAndNoTypeStandsForAnother() {
        for (String priority : new String[] {"-0.5", "9.99", "1e0", "\"5\"", "true"}) {
            Http.Response r = http.send("POST", "/api/v1/jobs", "{\"type\":\"builtin.noop\",\"priority\":" + priority + "}", Map.of());
            assertThat(assertFieldError(r, "priority").get("message").asText()).as(priority).contains("an integer");
        }
        assertFieldError(http.send("PUT", "/api/v1/queues/q", "{\"paused\":1}", Map.of()), "paused");
        assertFieldError(http.send("PUT", "/api/v1/queues/q", "{\"paused\":\"true\"}", Map.of()), "paused");
        assertFieldError(http.send("PUT", "/api/v1/queues/q", "{\"concurrency\":true}", Map.of()), "concurrency");
        assertFieldError(http.send("POST", "/api/v1/jobs", "{\"type\":5}", Map.of()), "type");
        assertFieldError(http.send("POST", "/api/v1/jobs", "{\"type\":\"builtin.noop\",\"tags\":[true]}", Map.of()), "tags[0]");
        assertThat(http.get("/api/v1/jobs?queue=default").json().get("items")).as("nothing was enqueued").isEmpty();
    }

    @Test
    void aLoneSurrogateIsRefusedNamingTheField() {
        JsonNode e = assertFieldError(http.send("POST", "/api/v1/jobs",
                "{\"type\":\"builtin.noop\",\"tags\":[\"ok\",\"a\\ud800b\"]}", Map.of()), "tags[1]");
        assertThat(e.get("message").asText()).contains("lone UTF-16 surrogate");
        assertFieldError(http.send("POST", "/api/v1/jobs",
                "{\"type\":\"builtin.noop\",\"payload\":{\"x\":\"\\udc00\"}}", Map.of()), "payload.x");
        Http.Response paired = http.send("POST", "/api/v1/jobs",
                "{\"type\":\"builtin.noop\",\"tags\":[\"\\ud83d\\ude00\"]}", Map.of());
        assertThat(paired.status()).as("a surrogate pair is a character").isEqualTo(201);
        assertThat(paired.json().get("tags").get(0).asText()).isEqualTo("\uD83D\uDE00");
        assertFieldError(http.send("POST", "/api/v1/jobs",
                "{\"type\":\"builtin.noop\",\"payload\":{\"a\\ud800\":1}}", Map.of()), "payload.(field name)");
    }

    @Test
    void aDuplicateKeyIsMalformedJson() {
        assertProblem(http.send("POST", "/api/v1/jobs", "{\"type\":\"builtin.noop\",\"priority\":1,\"priority\":9}", Map.of()),
                400, "malformed-json");
    }

    @Test
    void aNumberTooLargeForItsFieldIsA400NamingTheField() {
        JsonNode e = assertFieldError(http.send("POST", "/api/v1/jobs",
                "{\"type\":\"builtin.noop\",\"maxAttempts\":99999999999}", Map.of()), "maxAttempts");
        assertThat(e.get("message").asText()).contains("out of range");
        assertFieldError(http.send("PUT", "/api/v1/queues/q", "{\"ratePerSecond\":1e400}", Map.of()), "ratePerSecond");
        assertFieldError(http.send("PUT", "/api/v1/queues/q", "{\"maxSize\":1e400}", Map.of()), "maxSize");
        assertFieldError(http.send("PUT", "/api/v1/queues/q", "{\"backoff\":{\"factor\":-1e400}}", Map.of()),
                "backoff.factor");
    }

    @Test
    void aTypeErrorInsideBackoffNamesThatFieldNotItsNeighbour() {
        assertFieldError(http.send("PUT", "/api/v1/queues/q", "{\"backoff\":{\"base\":5}}", Map.of()), "backoff.base");
        assertFieldError(http.send("POST", "/api/v1/jobs", "{\"type\":\"builtin.noop\",\"backoff\":{\"base\":5}}", Map.of()),
                "backoff.base");
    }

    @Test
    void theRangesOfConfigKeysHoldOverTheApi() {
        JsonNode delay = assertFieldError(http.send("POST", "/api/v1/jobs",
                "{\"type\":\"builtin.noop\",\"delay\":\"99999999999d\"}", Map.of()), "delay");
        assertThat(delay.get("message").asText()).contains("from 0s to 3650d");
        assertThat(assertFieldError(http.send("PUT", "/api/v1/queues/q", "{\"timeout\":\"400d\"}", Map.of()), "timeout")
                .get("message").asText()).contains("from 1ms to 1d");
        assertFieldError(http.send("PUT", "/api/v1/queues/q", "{\"ratePerSecond\":1e300}", Map.of()), "ratePerSecond");
        assertFieldError(http.send("PUT", "/api/v1/queues/q", "{\"backoff\":{\"cap\":\"99999d\"}}", Map.of()), "backoff.cap");
        assertFieldError(http.send("PUT", "/api/v1/queues/q", "{\"backoff\":{\"base\":\"str\"}}", Map.of()), "backoff.base");
        assertFieldError(http.send("PUT", "/api/v1/queues/q", "{\"backoff\":{\"factor\":1e300}}", Map.of()), "backoff.factor");
        assertFieldError(http.send("POST", "/api/v1/jobs",
                "{\"type\":\"builtin.noop\",\"backoff\":{\"base\":\"999999d\"}}", Map.of()), "backoff.base");

        for (String field : new String[] {"maxDelay", "maxDuration", "maxRetryAfter", "baseDelay", "budgetWindow"}) {
            Http.Response r = http.send("PUT", "/api/v1/retry-configs",
                    "{\"retryConfigs\":{\"slow\":{\"" + field + "\":\"9999h\"}}}", Map.of());
            assertThat(assertFieldError(r, "retries.slow." + field).get("message").asText()).as(field).contains("expected a duration from");
        }
        assertFieldError(http.send("PUT", "/api/v1/retry-configs", "{\"retryConfigs\":{\"slow\":{\"factor\":1e300}}}", Map.of()),
                "retries.slow.factor");

        String provider = "{\"name\":\"p\",\"baseUrl\":\"" + upstream.uri() + "\",\"breaker\":{\"failureRateThreshold\":101}}";
        assertFieldError(http.send("PUT", "/api/v1/providers/g", "{\"providers\":[" + provider + "],"
                + "\"degradation\":{\"defaultStatus\":700}}", Map.of()), "groups.g.providers[0].breaker.failureRateThreshold");

        // The config loader says the same thing about the same value.
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> TestServers.config(dir,
                Map.of("retries.slow.maxDelay", "9999h"))).getMessage()).contains("expected a duration from 0s to 1h");
    }

    @Test
    void conversionsThatUsedToOverflowOrMeetNullAre400s() {
        assertFieldError(http.send("POST", "/api/v1/jobs",
                "{\"type\":\"builtin.noop\",\"runAt\":\"+999999999-12-31T23:59:59Z\"}", Map.of()), "runAt");
        assertFieldError(http.send("POST", "/api/v1/jobs",
                "{\"type\":\"builtin.noop\",\"runAt\":\"-999999999-01-01T00:00:00Z\"}", Map.of()), "runAt");
        assertFieldError(http.send("PUT", "/api/v1/queues/q", "{\"ratePerSecond\":1e400}", Map.of()), "ratePerSecond");

        String provider = "{\"name\":null,\"baseUrl\":\"" + upstream.uri() + "\"}";
        assertFieldError(http.send("PUT", "/api/v1/providers", "{\"groups\":[{\"name\":\"g\",\"providers\":[" + provider + "]}]}",
                Map.of()), "groups.g.providers[0].name");
        assertFieldError(http.send("PUT", "/api/v1/providers/g", "{\"providers\":[" + provider + "]}", Map.of()),
                "groups.g.providers[0].name");
        assertFieldError(http.send("PUT", "/api/v1/providers", "{\"groups\":[null]}", Map.of()), "groups[0]");
        assertFieldError(http.send("PUT", "/api/v1/providers/g",
                "{\"providers\":[{\"name\":\"p\",\"baseUrl\":\"" + upstream.uri() + "\"}],\"fallbackChain\":[null]}", Map.of()),
                "groups.g.fallbackChain[0]");
    }

    @Test
    void freeTextIsBoundedAndCannotForgeLogLines() {
        JsonNode tooLong = assertFieldError(http.send("POST", "/api/v1/degradation/llm/enter",
                "{\"reason\":\"" + "x".repeat(501) + "\"}", Map.of()), "reason");
        assertThat(tooLong.get("message").asText()).contains("at most 500 characters");
        assertFieldError(http.send("PUT", "/api/v1/rate-limits", "{\"endpoints\":{\"jobs\":{\"route\":\"POST /api/v1/jobs\","
                + "\"limits\":\"10/1m\",\"bypass\":\"" + "k".repeat(201) + "\"}}}", Map.of()), "endpoints.jobs.bypass");

        ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(
                io.bulwark.providers.degradation.GroupDegradation.class);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> lines = new ch.qos.logback.core.read.ListAppender<>();
        lines.start();
        logger.addAppender(lines);
        try {
            Http.Response r = http.send("POST", "/api/v1/degradation/llm/enter",
                    "{\"reason\":\"incident\\r\\n2026-01-01 INFO Admin key created\"}", Map.of());
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            assertThat(r.json().get("reason").asText()).as("the API shows what was sent").contains("\r\n");
        } finally {
            logger.detachAppender(lines);
        }
        assertThat(lines.list).isNotEmpty();
        assertThat(lines.list).allSatisfy(e -> assertThat(e.getFormattedMessage()).doesNotContain("\n", "\r"));
        assertThat(lines.list.get(0).getFormattedMessage()).contains("incident\\r\\n2026-01-01 INFO Admin key created");
    }

    @Test
    void noGatewayPathEscapesTheProvidersBasePath() {
        upstream.succeed("ok");
        for (String attack : new String[] {"/../admin", "/%2e%2e/admin", "/.%2e/admin", "/%2e./admin", "/..%2fadmin",
                "/%2E%2E/admin", "/%252e%252e/admin", "/..;/admin", "/./admin", "/v1/%2fadmin", "/v1/%5c..%5cadmin",
                "/v1/%00", "/%25%32%65%25%32%65/admin", "/%zz"}) {
            int before = upstream.requests();
            Http.Response r = http.send("POST", "/api/v1/providers/llm/call?path="
                    + java.net.URLEncoder.encode(attack, java.nio.charset.StandardCharsets.UTF_8), "{}", Map.of());
            assertFieldError(r, "path");
            assertThat(upstream.requests()).as(attack + " reached the provider").isEqualTo(before);
        }
        for (String fine : new String[] {"/v1/chat", "/v1/a.b/c", "/v1/%7Euser", "/v1/..x/y", "?q=../x"}) {
            Http.Response r = http.send("POST", "/api/v1/providers/llm/call?path="
                    + java.net.URLEncoder.encode(fine, java.nio.charset.StandardCharsets.UTF_8), "{}", Map.of());
            assertThat(r.status()).as(fine + ": " + r.body()).isEqualTo(200);
            String received = upstream.lastRequest().orElseThrow().path();
            // What an upstream that decodes and normalises would serve.
            String served = java.net.URI.create("http://upstream" + received.replace("%", "%25")).normalize().getPath();
            assertThat(served).as(fine).matches("/base(/.*)?");
        }
    }
}
