package io.bulwark.balancer;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * One active health check of one endpoint: completes with {@code true} when it passed. A failed or
 * timed-out stage counts as a failed check. Tests pass a lambda; production uses {@link #http}.
 */
@FunctionalInterface
public interface HealthProbe {

    /** Checks {@code endpoint} under {@code settings}. */
    CompletionStage<Boolean> check(Endpoint endpoint, HealthCheck settings);

    /**
     * {@code GET <endpoint uri><path>} with the settings' timeout through {@code client}; any 2xx
     * passes. The client (and its executor) belongs to the caller.
     */
    static HealthProbe http(HttpClient client) {
        return (endpoint, settings) -> {
            HttpRequest request = HttpRequest.newBuilder(endpoint.uri().resolve(settings.path()))
                    .timeout(settings.timeout()).GET().build();
            try {
                return client.sendAsync(request, HttpResponse.BodyHandlers.discarding())
                        .thenApply(r -> r.statusCode() / 100 == 2);
            } catch (RuntimeException e) {
                return CompletableFuture.failedFuture(e);
            }
        };
    }
}
