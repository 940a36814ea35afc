package io.bulwark.server;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ProblemResponsesTest {

    @TempDir
    Path dir;

    private BulwarkServer server;
    private Http http;

    @BeforeEach
    void start() {
        server = TestServers.start(dir, Map.of("server.maxRequestBody", "1KiB"));
        http = new Http(server.uri());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private static void assertProblem(Http.Response r, int status, String type) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.header("Content-Type")).isEqualTo("application/problem+json");
        JsonNode p = r.json();
        assertThat(p.get("type").asText()).isEqualTo("urn:bulwark:problem:" + type);
        assertThat(p.get("title").asText()).isNotBlank();
        assertThat(p.get("status").asInt()).isEqualTo(status);
        assertThat(p.get("detail").asText()).isNotBlank();
        assertThat(p.get("requestId").asText()).isEqualTo(r.header("X-Request-Id"));
    }

    @Test
    void unknownRouteIs404Problem() {
        Http.Response r = http.get("/api/v1/nothing-here");
        assertProblem(r, 404, "not-found");
        assertThat(r.json().get("detail").asText()).isEqualTo("no route matches GET /api/v1/nothing-here");
        assertThat(r.json().get("instance").asText()).isEqualTo("/api/v1/nothing-here");
    }

    @Test
    void malformedJsonIs400SayingWhereItBroke() {
        Http.Response r = http.send("POST", "/api/v1/keys", "{\n  \"name\": \"ci\",\n  \"role\": }", Map.of());
        assertProblem(r, 400, "malformed-json");
        assertThat(r.json().get("detail").asText()).startsWith("malformed JSON at line 3, column");
    }

    @Test
    void invalidFieldsAre400ListingEachFieldWithWhatIsAllowed() {
        Http.Response r = http.send("POST", "/api/v1/keys", "{\"role\":\"root\"}", Map.of());
        assertProblem(r, 400, "validation");
        JsonNode errors = r.json().get("errors");
        assertThat(errors).hasSize(2);
        assertThat(errors.get(0).get("field").asText()).isEqualTo("name");
        assertThat(errors.get(1).get("field").asText()).isEqualTo("role");
        assertThat(errors.get(1).get("message").asText()).isEqualTo("must be one of viewer, operator, admin but was 'root'");

        Http.Response unknown = http.send("POST", "/api/v1/keys", "{\"name\":\"a\",\"role\":\"admin\",\"colour\":1}", Map.of());
        assertProblem(unknown, 400, "validation");
        assertThat(unknown.json().get("errors").get(0).get("field").asText()).isEqualTo("colour");
        assertThat(unknown.json().get("errors").get(0).get("message").asText()).contains("allowed: name, role");

        Http.Response wrongType = http.send("POST", "/api/v1/keys", "{\"name\":[1],\"role\":\"admin\"}", Map.of());
        assertProblem(wrongType, 400, "validation");
        assertThat(wrongType.json().get("errors").get(0).get("field").asText()).isEqualTo("name");
    }

    @Test
    void bodyOverTheLimitIs413WithContentLengthAndWhenChunked() {
        String big = "{\"name\":\"" + "x".repeat(2000) + "\",\"role\":\"admin\"}";
        Http.Response declared = http.send("POST", "/api/v1/keys", big, Map.of());
        assertProblem(declared, 413, "payload-too-large");
        assertThat(declared.json().get("detail").asText()).contains("limit is 1024 bytes");

        HttpRequest chunked = HttpRequest.newBuilder(server.uri().resolve("/api/v1/keys"))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big.getBytes())))
                .build();
        Http.Response streamed = http.send(chunked);
        assertProblem(streamed, 413, "payload-too-large");
        assertThat(http.get("/api/v1/keys").json().get("items")).as("nothing was stored").isEmpty();
    }

    @Test
    void emptyBodyIs400() {
        assertProblem(http.send("POST", "/api/v1/keys", "", Map.of()), 400, "bad-request");
    }

    @Test
    void requestIdIsGeneratedOrEchoedAndAnInsaneOneIsReplaced() {
        String generated = http.get("/health/live").header("X-Request-Id");
        assertThat(generated).matches("[0-9a-f-]{36}");
        assertThat(http.get("/health/live", Map.of("X-Request-Id", "trace-abc.123")).header("X-Request-Id"))
                .isEqualTo("trace-abc.123");
        assertThat(http.get("/health/live", Map.of("X-Request-Id", "bad id with spaces")).header("X-Request-Id"))
                .matches("[0-9a-f-]{36}");
    }

    @Test
    void invalidPaginationIs400NamingTheParameter() {
        Http.Response r = http.get("/api/v1/keys?limit=0");
        assertProblem(r, 400, "validation");
        assertThat(r.json().get("errors").get(0).get("field").asText()).isEqualTo("limit");
        assertThat(r.json().get("errors").get(0).get("message").asText()).contains("from 1 to 500");
    }
}
