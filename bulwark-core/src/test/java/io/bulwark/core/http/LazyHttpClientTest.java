package io.bulwark.core.http;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LazyHttpClientTest {

    private final HttpServer server = server();
    private final AtomicInteger builds = new AtomicInteger();

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void buildsTheClientOnFirstUseAndOnce() throws Exception {
        HttpClient http = LazyHttpClient.of(this::build);
        assertThat(builds).hasValue(0);
        assertThat(((LazyHttpClient) http).built()).isFalse();

        assertThat(http.send(get(), HttpResponse.BodyHandlers.ofString()).body()).isEqualTo("hello");
        assertThat(http.sendAsync(get(), HttpResponse.BodyHandlers.ofString()).join().body()).isEqualTo("hello");
        assertThat(http.connectTimeout()).contains(Duration.ofSeconds(3));
        assertThat(builds).hasValue(1);
        http.close();
        assertThat(http.isTerminated()).isTrue();
    }

    @Test
    void closingBeforeUseBuildsNothingAndLaterSendsFail() {
        HttpClient http = LazyHttpClient.of(this::build);
        http.close();
        assertThat(builds).hasValue(0);
        assertThat(http.isTerminated()).isTrue();
        assertThatThrownBy(() -> http.send(get(), HttpResponse.BodyHandlers.ofString())).isInstanceOf(IOException.class);
    }

    private HttpClient build() {
        builds.incrementAndGet();
        return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    }

    private HttpRequest get() {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/")).build();
    }

    private static HttpServer server() {
        try {
            HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            s.createContext("/", x -> {
                byte[] body = "hello".getBytes();
                x.sendResponseHeaders(200, body.length);
                x.getResponseBody().write(body);
                x.close();
            });
            s.start();
            return s;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
