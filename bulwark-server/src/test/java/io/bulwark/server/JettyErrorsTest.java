package io.bulwark.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.bulwark.core.json.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Requests Jetty refuses before any route runs come back as problem+json, not Jetty's HTML.
 * Sent over a raw socket, since a well-behaved client cannot send most of them.
 */
class JettyErrorsTest {

    @TempDir
    Path dir;

    private BulwarkServer server;

    @BeforeEach
    void start() {
        server = TestServers.start(dir, Map.of("log.access", "false"));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private record Raw(int status, String head, String body) {
    }

    private Raw send(String request) throws IOException {
        return send(request, false);
    }

    /** Sends {@code request}; with {@code halfClose}, then says the request has ended. */
    private Raw send(String request, boolean halfClose) throws IOException {
        try (Socket s = new Socket(server.uri().getHost(), server.uri().getPort())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            if (halfClose) {
                s.shutdownOutput();
            }
            InputStream in = s.getInputStream();
            String all = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            int split = all.indexOf("\r\n\r\n");
            String head = all.substring(0, split);
            String body = all.substring(split + 4);
            if (head.toLowerCase(java.util.Locale.ROOT).contains("transfer-encoding: chunked")) {
                body = dechunk(body);
            }
            return new Raw(Integer.parseInt(head.substring(9, 12)), head, body);
        }
    }

    private static String dechunk(String chunked) {
        StringBuilder sb = new StringBuilder();
        int i = 0;
        while (true) {
            int eol = chunked.indexOf("\r\n", i);
            int size = Integer.parseInt(chunked.substring(i, eol).trim(), 16);
            if (size == 0) {
                return sb.toString();
            }
            sb.append(chunked, eol + 2, eol + 2 + size);
            i = eol + 2 + size + 2;
        }
    }

    private static void assertProblem(Raw r, int status) {
        assertThat(r.status()).as(r.head() + "\n" + r.body()).isEqualTo(status);
        assertThat(r.head().toLowerCase(java.util.Locale.ROOT)).as(r.head()).contains("content-type: application/problem+json");
        JsonNode p;
        try {
            p = Json.mapper().readTree(r.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + r.body(), e);
        }
        assertThat(p.get("status").asInt()).isEqualTo(status);
        assertThat(p.get("type").asText()).startsWith("urn:bulwark:problem:");
        assertThat(p.get("title").asText()).isNotBlank();
        assertThat(r.body()).doesNotContain("<html", "<HTML");
    }

    private static String get(String target, String extraHeaders) {
        return "GET " + target + " HTTP/1.1\r\nHost: localhost\r\n" + extraHeaders + "Connection: close\r\n\r\n";
    }

    @Test
    void aBadUriIsAProblem() throws IOException {
        assertProblem(send(get("/api/v1/%zz", "")), 400);
    }

    @Test
    void aBodyShorterThanItsContentLengthIsAProblemAndStoresNothing() throws IOException {
        String part = "{\"name\":\"a\"";
        Raw r = send("POST /api/v1/keys HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "Content-Length: 60\r\nConnection: close\r\n\r\n" + part, true);
        assertProblem(r, 400);
        assertThat(send(get("/api/v1/keys", "")).body()).as("no key was made").contains("\"items\":[]");
    }

    @Test
    void aBadHeaderIsAProblem() throws IOException {
        assertProblem(send("GET /health/live HTTP/1.1\r\nHost: localhost\r\nBad Header\r\nConnection: close\r\n\r\n"), 400);
    }

    @Test
    void aUriTooLongIsAProblem() throws IOException {
        assertProblem(send(get("/health/live?x=" + "a".repeat(100_000), "")), 414);
    }

    @Test
    void headersTooLargeAreAProblem() throws IOException {
        assertProblem(send(get("/health/live", "X-Big: " + "a".repeat(100_000) + "\r\n")), 431);
    }

    @Test
    void anUnknownHttpVersionIsAProblem() throws IOException {
        assertProblem(send("GET /health/live HTTP/9.9\r\nHost: localhost\r\nConnection: close\r\n\r\n"), 505);
    }
}
