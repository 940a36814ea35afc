package io.bulwark.bench.http;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Optional;

/**
 * One endpoint the load runs against.
 *
 * @param name a short label for the report
 * @param path the request path, e.g. {@code /health/live}
 * @param bearer the API key to send, or empty for an unauthenticated request
 */
public record Scenario(String name, String path, Optional<String> bearer) {

    /** The unauthenticated liveness probe: the cheapest request the server answers. */
    public static Scenario healthLive() {
        return new Scenario("GET /health/live", "/health/live", Optional.empty());
    }

    /** An authenticated API read: adds the key check and a JSON body to the liveness cost. */
    public static Scenario serverInfo(String viewerKey) {
        return new Scenario("GET /api/v1/server", "/api/v1/server", Optional.of(viewerKey));
    }

    /** The request, built once and sent by every client: {@link HttpRequest} is immutable. */
    HttpRequest request(URI base, Duration timeout) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(timeout).GET();
        bearer.ifPresent(key -> b.header("Authorization", "Bearer " + key));
        return b.build();
    }

    @Override
    public String toString() {
        // The key is a secret even in a benchmark: keep it out of logs and reports.
        return "Scenario[" + name + (bearer.isPresent() ? ", bearer ****" : "") + "]";
    }
}
