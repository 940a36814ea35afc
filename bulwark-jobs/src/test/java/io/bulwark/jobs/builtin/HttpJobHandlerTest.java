package io.bulwark.jobs.builtin;

import com.sun.net.httpserver.HttpServer;
import io.bulwark.jobs.Job;
import io.bulwark.jobs.JobContext;
import io.bulwark.jobs.JobFailure;
import io.bulwark.jobs.JobState;
import io.bulwark.resilience.retry.Backoff;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The http job type against a local server that answers what each test tells it to. */
class HttpJobHandlerTest {

    private record Reply(int status, Map<String, String> headers, String body) {
    }

    private HttpServer server;
    private final AtomicReference<Reply> reply = new AtomicReference<>(new Reply(200, Map.of(), "ok"));
    private final AtomicReference<String> lastBody = new AtomicReference<>();
    private final HttpJobHandler handler = new HttpJobHandler(HttpClient.newHttpClient(), Duration.ofMinutes(5));

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            lastBody.set(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            Reply r = reply.get();
            r.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
            byte[] body = r.body().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(r.status(), body.length == 0 ? -1 : body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    private Map<String, Object> call(HttpJobHandler.Request r) throws Exception {
        Job job = new Job(UUID.randomUUID(), "q", "http", "{}", 5, JobState.RUNNING, Instant.EPOCH, 1, 3, Backoff.DEFAULT,
                Duration.ofSeconds(10), null, null, null, null, List.of(), Instant.EPOCH, Instant.EPOCH, null, null);
        return handler.handle(new JobContext<>(job, r, () -> false));
    }

    @Test
    void aSuccessfulCallReturnsStatusAndBodyAndSendsTheRequestBody() throws Exception {
        reply.set(new Reply(201, Map.of(), "{\"id\":7}"));
        Map<String, Object> result = call(new HttpJobHandler.Request("POST", url(), Map.of("X-Test", "1"), "{\"a\":1}", null, null));
        assertThat(result).containsEntry("status", 201).containsEntry("body", "{\"id\":7}");
        assertThat(lastBody.get()).isEqualTo("{\"a\":1}");
    }

    @Test
    void failuresToReachTheServerNameTheHostAndWhatHappened() throws Exception {
        int closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        assertThatThrownBy(() -> call(new HttpJobHandler.Request(null, "http://127.0.0.1:" + closed + "/x", null, null, null, null)))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith("HTTP GET http://127.0.0.1:" + closed + "/x failed: connect to 127.0.0.1:" + closed);
        assertThatThrownBy(() -> call(new HttpJobHandler.Request(null, "http://no-such-host.invalid/x", null, null, null, null)))
                .isInstanceOf(IOException.class)
                .hasMessage("HTTP GET http://no-such-host.invalid/x failed: unknown host no-such-host.invalid");
    }

    @Test
    void serverErrorsAreRetryableFailures() {
        reply.set(new Reply(502, Map.of(), "bad gateway"));
        assertThatThrownBy(() -> call(new HttpJobHandler.Request(null, url(), null, null, null, null)))
                .isInstanceOf(IOException.class).hasMessageContaining("answered 502");
    }

    @Test
    void tooManyRequestsRetriesAfterRetryAfterCappedAtTheMaximum() {
        reply.set(new Reply(429, Map.of("Retry-After", "30"), ""));
        assertThatThrownBy(() -> call(new HttpJobHandler.Request(null, url(), null, null, null, null)))
                .isInstanceOfSatisfying(JobFailure.class, f -> {
                    assertThat(f.retryable()).isTrue();
                    assertThat(f.retryDelay()).contains(Duration.ofSeconds(30));
                });
        reply.set(new Reply(503, Map.of("Retry-After", "86400"), ""));
        assertThatThrownBy(() -> call(new HttpJobHandler.Request(null, url(), null, null, null, null)))
                .isInstanceOfSatisfying(JobFailure.class, f -> assertThat(f.retryDelay()).contains(Duration.ofMinutes(5)));
    }

    @Test
    void otherClientErrorsFailForGood() {
        reply.set(new Reply(404, Map.of(), "nope"));
        assertThatThrownBy(() -> call(new HttpJobHandler.Request(null, url(), null, null, null, null)))
                .isInstanceOfSatisfying(JobFailure.class, f -> assertThat(f.retryable()).isFalse());
    }

    @Test
    void anExpectedStatusCountsAsSuccess() throws Exception {
        reply.set(new Reply(409, Map.of(), "already done"));
        assertThat(call(new HttpJobHandler.Request("PUT", url(), null, "x", List.of(409), null))).containsEntry("status", 409);
    }

    @Test
    void badInputFailsForGoodWithTheFieldNamed() {
        assertThatThrownBy(() -> call(new HttpJobHandler.Request(null, "ftp://x", null, null, null, null)))
                .isInstanceOfSatisfying(JobFailure.class, f -> assertThat(f.retryable()).isFalse())
                .hasMessageContaining("url must be an absolute http(s) URL");
        assertThatThrownBy(() -> call(new HttpJobHandler.Request("BREW", url(), null, null, null, null)))
                .hasMessageContaining("method must be one of");
    }

    @Test
    void retryAfterReadsSecondsAndHttpDates() {
        assertThat(HttpJobHandler.retryAfter("120")).contains(Duration.ofSeconds(120));
        assertThat(HttpJobHandler.retryAfter("Wed, 21 Oct 2015 07:28:00 GMT")).contains(Duration.ZERO);
        assertThat(HttpJobHandler.retryAfter("soon")).isEmpty();
        assertThat(HttpJobHandler.retryAfter(null)).isEmpty();
    }
}
