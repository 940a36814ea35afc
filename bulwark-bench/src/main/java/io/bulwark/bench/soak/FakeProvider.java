package io.bulwark.bench.soak;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.LongAdder;

/**
 * The upstream the soak's gateway calls reach: the JDK's HTTP server in the harness's process,
 * answering every request with 200 and a small JSON body after a fixed delay, as a fast and
 * healthy LLM-like API would. Being healthy on purpose, it keeps the server's breaker closed and
 * its retries idle: the soak looks for resources that grow, not for failure handling.
 */
final class FakeProvider implements AutoCloseable {

    private static final byte[] ANSWER = ("{\"id\":\"soak\",\"answer\":\"" + "a".repeat(400) + "\"}")
            .getBytes(StandardCharsets.UTF_8);

    private final HttpServer server;
    private final ExecutorService executor;
    private final LongAdder calls = new LongAdder();

    private FakeProvider(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /** Starts on a free loopback port; each answer waits {@code latency} first (on a virtual thread). */
    static FakeProvider start(Duration latency) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(executor);
        FakeProvider provider = new FakeProvider(server, executor);
        server.createContext("/", exchange -> {
            try (exchange) {
                exchange.getRequestBody().readAllBytes();
                if (!latency.isZero()) {
                    Thread.sleep(latency);
                }
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, ANSWER.length);
                exchange.getResponseBody().write(ANSWER);
                provider.calls.increment();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        server.start();
        return provider;
    }

    /** The base URL to configure as the provider's {@code baseUrl}. */
    URI baseUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Requests answered so far. */
    long calls() {
        return calls.sum();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
