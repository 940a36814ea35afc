package io.bulwark.bench.http;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Polls {@code GET /health/ready} every 5 ms until it answers 200, which is when a load
 * balancer would start sending traffic: the end of "start to ready". The poll interval bounds
 * the error of that figure to about 5 ms.
 */
final class ReadinessProbe {

    private static final Duration INTERVAL = Duration.ofMillis(5);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(1);

    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(REQUEST_TIMEOUT)
            .build();

    /**
     * Sends one request to a port nothing listens on, so that the harness's own HTTP client is
     * loaded and initialised before the first measured start rather than during it.
     */
    void prime() throws InterruptedException {
        try {
            client.send(request(URI.create("http://127.0.0.1:" + ServerLauncher.freePort())), HttpResponse.BodyHandlers.discarding());
        } catch (IOException expected) {
            // Refused: exactly what priming wants.
        }
    }

    /**
     * Waits until the server is ready.
     *
     * @return the time from process start to the first 200
     * @throws IllegalStateException when the process exits first or {@code bound} passes
     */
    Duration await(ServerProcess server, Duration bound) throws InterruptedException {
        HttpRequest ready = request(server.base().resolve("/health/ready"));
        while (true) {
            try {
                if (client.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return server.sinceStart();
                }
            } catch (IOException notListeningYet) {
                // Connection refused until the port is bound: keep polling.
            }
            if (!server.isAlive()) {
                throw new IllegalStateException("the server " + server.state() + " before it was ready; its log ("
                        + server.log() + ") ends with:" + System.lineSeparator() + server.logTail(20));
            }
            if (server.sinceStart().compareTo(bound) > 0) {
                throw new IllegalStateException("the server was not ready within " + bound + " (GET "
                        + ready.uri() + " never answered 200); its log (" + server.log() + ") ends with:"
                        + System.lineSeparator() + server.logTail(20));
            }
            Thread.sleep(INTERVAL);
        }
    }

    private static HttpRequest request(URI uri) {
        return HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT).GET().build();
    }
}
