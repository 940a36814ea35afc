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
}
