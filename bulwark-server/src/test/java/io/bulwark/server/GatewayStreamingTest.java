package io.bulwark.server;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Streamed answers through the gateway, against a provider written on a raw socket so that it can
 * hold its last event and break a stream off: events reach the client while the provider still
 * holds the rest; a provider that breaks off mid-stream ends the answer with a terminal error event
 * and a breaker failure; a provider failing before its first byte is failed over like any call.
 */
class GatewayStreamingTest {

    @TempDir
    Path dir;

    private final List<RawProvider> providers = new ArrayList<>();
    private BulwarkServer server;

    @AfterEach
    void stop() throws IOException {
        if (server != null) {
            server.close();
        }
        for (RawProvider p : providers) {
            p.close();
        }
    }

    /** How a raw provider answers: stream the events (holding the last until released), cut after two, or fail. */
    enum Mode { HOLD_LAST, CUT, FAIL }

    private RawProvider provider(Mode mode) throws IOException {
        RawProvider p = new RawProvider(mode);
        providers.add(p);
        return p;
    }

    private void start(Map<String, String> flags) {
        server = TestServers.start(dir, flags);
    }

    private BufferedReader stream(HttpResponse<InputStream> r) {
        return new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8));
    }

    private HttpResponse<InputStream> call() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(server.uri().resolve("/api/v1/providers/g/call/v1/chat/completions"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"stream\":true}")).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(20)).build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofInputStream());
    }

    @Test
    void eventsReachTheClientWhileTheProviderStillHoldsTheRest() throws Exception {
        RawProvider p = provider(Mode.HOLD_LAST);
        start(Map.of("log.access", "false", "providers.p.group", "g", "providers.p.baseUrl", p.uri().toString()));
        HttpResponse<InputStream> r = call();
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        BufferedReader lines = stream(r);
        assertThat(lines.readLine()).isEqualTo("data: one");
        assertThat(lines.readLine()).isEmpty();
        assertThat(lines.readLine()).isEqualTo("data: two");
        assertThat(p.lastHeld.getCount()).as("the provider has not sent its last event yet").isEqualTo(1);
        p.lastHeld.countDown();
        assertThat(lines.readLine()).isEmpty();
        assertThat(lines.readLine()).isEqualTo("data: [DONE]");
        assertThat(lines.readLine()).isEmpty();
        assertThat(lines.readLine()).as("the stream ends").isNull();
        String metrics = new Http(server.uri()).get("/metrics").body();
        assertThat(metrics).contains("bulwark_gateway_stream_duration_seconds_count{group=\"g\",outcome=\"completed\",provider=\"p\"} 1");
    }

    @Test
    void aProviderThatBreaksOffEndsTheStreamWithAnErrorEventAndABreakerFailure() throws Exception {
        RawProvider p = provider(Mode.CUT);
        start(Map.of("log.access", "false", "providers.p.group", "g", "providers.p.baseUrl", p.uri().toString()));
        HttpResponse<InputStream> r = call();
        assertThat(r.statusCode()).isEqualTo(200);
        List<String> all = stream(r).lines().toList();
        // Every byte the provider sent before the break reaches the client, then the error event.
        assertThat(all).contains("data: one", "data: two", "data: e" + RawProvider.BURST, "event: error");
        assertThat(all.indexOf("data: e" + RawProvider.BURST)).isLessThan(all.indexOf("event: error"));
        assertThat(all.stream().filter(l -> l.startsWith("data: e")).count()).isEqualTo(RawProvider.BURST);
        assertThat(all.get(all.size() - 1)).isEmpty();
        assertThat(all.stream().filter(l -> l.startsWith("data: {")).findFirst().orElseThrow())
                .contains("stream-broken").contains("\"provider\":\"p\"");
        String metrics = new Http(server.uri()).get("/metrics").body();
        assertThat(metrics).contains("bulwark_provider_calls_total{outcome=\"failure\",provider=\"p\"} 1.0");
        assertThat(metrics).contains("outcome=\"provider-failed\",provider=\"p\"} 1");
    }

    @Test
    void aProviderFailingBeforeItsFirstByteIsFailedOver() throws Exception {
        RawProvider failing = provider(Mode.FAIL);
        RawProvider healthy = provider(Mode.HOLD_LAST);
        healthy.lastHeld.countDown();
        start(Map.of("log.access", "false", "providers.a.group", "g", "providers.a.baseUrl", failing.uri().toString(),
                "providers.b.group", "g", "providers.b.baseUrl", healthy.uri().toString(),
                "providerGroups.g.fallbackChain", "a,b", "providerGroups.g.strategy", "weighted",
                "providers.a.weight", "1000", "providers.b.weight", "1"));
        HttpResponse<InputStream> r = call();
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("X-Bulwark-Provider")).contains("b");
        assertThat(stream(r).lines().toList()).contains("data: one", "data: two", "data: [DONE]");
    }

    @Test
    void aStreamHoldsItsProvidersCapacityUntilItEndsAndAQueuedCallGetsItThen() throws Exception {
        RawProvider p = provider(Mode.HOLD_LAST);
        start(Map.of("log.access", "false", "providers.p.group", "g", "providers.p.baseUrl", p.uri().toString(),
                "providers.p.capacity", "1"));
        HttpResponse<InputStream> first = call();
        BufferedReader firstLines = stream(first);
        assertThat(firstLines.readLine()).isEqualTo("data: one");

        java.util.concurrent.CompletableFuture<HttpResponse<InputStream>> second =
                java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                    try {
                        return call();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
        Http http = new Http(server.uri());
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() ->
                http.get("/api/v1/providers/g/queue").json().path("depth").asInt() == 1);
        assertThat(p.accepted.get()).as("the second call waits while the first streams").isEqualTo(1);

        p.lastHeld.countDown();
        assertThat(firstLines.lines().toList()).contains("data: [DONE]");
        HttpResponse<InputStream> r = second.get(10, TimeUnit.SECONDS);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("X-Bulwark-Queue-Wait")).isPresent();
        assertThat(stream(r).lines().toList()).contains("data: one", "data: two", "data: [DONE]");
        assertThat(p.accepted.get()).isEqualTo(2);
    }

    /** A provider on a raw socket: one request per connection, answered as its mode says. */
    static final class RawProvider implements AutoCloseable {
        /** Events a cut stream sends in its last piece, right before it breaks off. */
        static final int BURST = 200;
        final CountDownLatch lastHeld = new CountDownLatch(1);
        final java.util.concurrent.atomic.AtomicInteger accepted = new java.util.concurrent.atomic.AtomicInteger();
        private final ServerSocket socket = new ServerSocket(0);
        private final Mode mode;
        private final Thread acceptor;

        RawProvider(Mode mode) throws IOException {
            this.mode = mode;
            this.acceptor = Thread.ofVirtual().start(() -> {
                while (!socket.isClosed()) {
                    try {
                        Socket s = socket.accept();
                        accepted.incrementAndGet();
                        Thread.ofVirtual().start(() -> answer(s));
                    } catch (IOException closed) {
                        return;
                    }
                }
            });
        }

        URI uri() {
            return URI.create("http://127.0.0.1:" + socket.getLocalPort());
        }

        private void answer(Socket s) {
            try (s) {
                InputStream in = s.getInputStream();
                BufferedReader head = new BufferedReader(new InputStreamReader(in, StandardCharsets.ISO_8859_1));
                int length = 0;
                for (String line = head.readLine(); line != null && !line.isEmpty(); line = head.readLine()) {
                    if (line.toLowerCase().startsWith("content-length:")) {
                        length = Integer.parseInt(line.substring(15).trim());
                    }
                }
                for (int i = 0; i < length; i++) {
                    head.read();
                }
                OutputStream out = s.getOutputStream();
                if (mode == Mode.FAIL) {
                    out.write(("HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nContent-Length: 2\r\n"
                            + "Connection: close\r\n\r\n{}").getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    return;
                }
                out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n"
                        + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                chunk(out, "data: one\n\n");
                chunk(out, "data: two\n\n");
                if (mode == Mode.CUT) {
                    StringBuilder burst = new StringBuilder();
                    for (int i = 1; i <= BURST; i++) {
                        burst.append("data: e").append(i).append("\n\n");
                    }
                    chunk(out, burst.toString()); // and at once the end: it arrives with the break
                    return; // the connection closes with no terminating chunk: the answer breaks off
                }
                lastHeld.await(20, TimeUnit.SECONDS);
                chunk(out, "data: [DONE]\n\n");
                out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            } catch (IOException | InterruptedException e) {
                // the gateway went away: nothing to answer
            }
        }

        private static void chunk(OutputStream out, String text) throws IOException {
            byte[] b = text.getBytes(StandardCharsets.UTF_8);
            out.write((Integer.toHexString(b.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(b);
            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }

        @Override
        public void close() throws IOException {
            lastHeld.countDown();
            socket.close();
        }
    }
}
