package io.bulwark.bench.soak;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/**
 * Sends one request of a {@link RequestKind} to the server and records it in a
 * {@link KindLatencies}: 2xx answers as a latency, everything else (another status, a timeout,
 * a refused connection) as an error.
 */
final class MixClient {

    /** Long enough that only a server in real trouble trips it; a timeout counts as an error. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private final HttpClient client;
    private final Map<RequestKind, HttpRequest> requests = new EnumMap<>(RequestKind.class);

    MixClient(HttpClient client, URI base) {
        this.client = client;
        for (RequestKind kind : RequestKind.values()) {
            requests.put(kind, kind.request(base, REQUEST_TIMEOUT));
        }
    }

    /**
     * Sends {@code kind} and records it. Latency runs from {@code intendedNanos}, the time the
     * request was due, not from when it was sent: an open-loop load that fell behind (a stalled
     * server, a busy machine) then shows the wait instead of hiding it (coordinated omission).
     */
    void send(RequestKind kind, long intendedNanos, KindLatencies book) {
        try {
            HttpResponse<byte[]> response = client.send(requests.get(kind), HttpResponse.BodyHandlers.ofByteArray());
            long micros = (System.nanoTime() - intendedNanos) / 1_000;
            int status = response.statusCode();
            if (status >= 200 && status < 300) {
                book.success(kind, micros);
            } else {
                book.failure(kind, "HTTP " + status + ": " + snippet(response.body()));
            }
        } catch (IOException e) {
            book.failure(kind, e.getClass().getSimpleName() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String snippet(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8).strip();
        return text.length() <= 200 ? text : text.substring(0, 200) + "...";
    }
}
