package io.bulwark.test.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FlakyServerTest {

    private final HttpClient client = HttpClient.newHttpClient();
    private final FlakyServer server = FlakyServer.start("users-1");

    @AfterEach
    void stop() {
        server.close();
        client.close();
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(server.uri(path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void answersOkWithItsNameAndServedByHeaderOnLoopback() throws Exception {
        HttpResponse<String> response = get("/anything");

        assertThat(server.uri().getHost()).isEqualTo("127.0.0.1");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("users-1");
        assertThat(response.headers().firstValue(FlakyServer.SERVED_BY)).contains("users-1");
    }

    @Test
    void failsWithTheCommandedStatusUntilRecovered() throws Exception {
        server.fail(503);
        assertThat(get("/").statusCode()).isEqualTo(503);
        assertThat(get("/").statusCode()).isEqualTo(503);

        server.recover();
        assertThat(get("/").statusCode()).isEqualTo(200);
    }

    @Test
    void failNextFailsExactlyThatManyThenAnswersAsBefore() throws Exception {
        server.succeed("fine").failNext(2, 500);

        assertThat(get("/").statusCode()).isEqualTo(500);
        assertThat(get("/").statusCode()).isEqualTo(500);
        HttpResponse<String> third = get("/");
        assertThat(third.statusCode()).isEqualTo(200);
        assertThat(third.body()).isEqualTo("fine");
    }

    @Test
    void tooManyRequestsSendsRetryAfterInWholeSecondsRoundedUp() throws Exception {
        server.tooManyRequests(Duration.ofMillis(1500));

        HttpResponse<String> response = get("/");

        assertThat(response.statusCode()).isEqualTo(429);
        assertThat(response.headers().firstValue("Retry-After")).contains("2");
    }

    @Test
    void stallNeverAnswersSoTheClientTimesOut() {
        server.stall();
        HttpRequest request = HttpRequest.newBuilder(server.uri("/slow")).timeout(Duration.ofMillis(200)).build();

        assertThatThrownBy(() -> client.send(request, HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(HttpTimeoutException.class);
        assertThat(server.requests("/slow")).isEqualTo(1);
    }

    @Test
    void recoverAnswersRequestsThatWereStalled() throws Exception {
        server.stall();
        CompletableFuture<HttpResponse<String>> pending = client.sendAsync(
                HttpRequest.newBuilder(server.uri("/")).build(), HttpResponse.BodyHandlers.ofString());
        server.awaitStalled(1, Duration.ofSeconds(5));
        assertThat(pending).isNotDone();

        server.recover();

        assertThat(pending.get(5, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        assertThat(server.stalled()).isZero();
    }

    @Test
    void closeDropsStalledRequestsWithoutAnAnswer() {
        server.stall();
        CompletableFuture<HttpResponse<String>> pending = client.sendAsync(
                HttpRequest.newBuilder(server.uri("/")).build(), HttpResponse.BodyHandlers.ofString());
        server.awaitStalled(1, Duration.ofSeconds(5));

        server.close();

        assertThatThrownBy(() -> pending.get(5, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(IOException.class);
    }

    @Test
    void echoReturnsTheBodyAndTheLastRequestIsRecorded() throws Exception {
        server.echo();
        HttpRequest post = HttpRequest.newBuilder(URI.create(server.uri("/users") + "?page=2"))
                .header("X-Request-Id", "abc")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"ada\"}"))
                .build();

        HttpResponse<String> response = client.send(post, HttpResponse.BodyHandlers.ofString());

        assertThat(response.body()).isEqualTo("{\"name\":\"ada\"}");
        RecordedRequest last = server.lastRequest().orElseThrow();
        assertThat(last.method()).isEqualTo("POST");
        assertThat(last.path()).isEqualTo("/users");
        assertThat(last.query()).isEqualTo("page=2");
        assertThat(last.header("x-request-id")).contains("abc");
        assertThat(last.bodyText()).isEqualTo("{\"name\":\"ada\"}");
    }

    @Test
    void countsRequestsInTotalAndByPath() throws Exception {
        get("/health");
        get("/health");
        get("/users");

        assertThat(server.requests()).isEqualTo(3);
        assertThat(server.requests("/health")).isEqualTo(2);
        assertThat(server.requests("/users")).isEqualTo(1);
        assertThat(server.requests("/other")).isZero();

        server.resetCounts();
        assertThat(server.requests()).isZero();
        assertThat(server.lastRequest()).isEmpty();
    }

    @Test
    void awaitStalledNamesTheServerWhenNothingStalls() {
        assertThatThrownBy(() -> server.awaitStalled(1, Duration.ofMillis(10)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("users-1")
                .hasMessageContaining("expected 1 stalled");
    }

    @Test
    void rejectsStatusesOutsideHttpRange() {
        assertThatThrownBy(() -> server.fail(42)).hasMessage("status must be between 100 and 599 but was 42");
        assertThatThrownBy(() -> server.failNext(-1, 500)).hasMessage("n must be >= 0 but was -1");
    }
}
