package io.bulwark.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.bulwark.core.json.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** A tiny HTTP client for tests against a real server on a random port. */
final class Http {

    record Response(int status, java.net.http.HttpHeaders headers, String body) {
        JsonNode json() {
            try {
                return Json.mapper().readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException("not JSON: " + body, e);
            }
        }

        String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

        /** A 5xx, or no answer at all ({@link #sendOrDropped}): what no client input may get. */
        boolean serverFault() {
            return status == 0 || status >= 500;
        }
    }

    private final URI base;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    Http(URI base) {
        this.base = base;
    }

    Response get(String path, Map<String, String> headers) {
        return send("GET", path, null, headers);
    }

    /** A route's {@code template} with each {@code {name}} parameter as {@code param} and each {@code <rest>} as {@code rest}. */
    static String concrete(String template, String param, String rest) {
        return template.replaceAll("\\{[^}]+}", param).replaceAll("<[^>]+>", rest);
    }

    /** A body to try a route of {@code method} with: none for GET and DELETE, an empty object for the others. */
    static String emptyBodyFor(String method) {
        return method.equals("GET") || method.equals("DELETE") ? null : "{}";
    }

    Response get(String path) {
        return get(path, Map.of());
    }

    /** Sends {@code body} as JSON (Content-Type: application/json) unless {@code headers} name another type. */
    Response send(String method, String path, String body, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(b::header);
        if (body != null && headers.keySet().stream().noneMatch(h -> h.equalsIgnoreCase("Content-Type"))) {
            b.header("Content-Type", "application/json");
        }
        return send(b.build());
    }

    /**
     * As {@link #send(String, String, String, Map)}, with a dropped connection as an answer of status
     * 0 whose body is the cause: for tests that send many requests and list those that failed.
     */
    Response sendOrDropped(String method, String path, String body, Map<String, String> headers) {
        try {
            return send(method, path, body, headers);
        } catch (UncheckedIOException e) {
            return new Response(0, java.net.http.HttpHeaders.of(Map.of(), (name, value) -> true),
                    "no answer: " + e.getCause());
        }
    }

    /**
     * Sends {@code body} as JSON with no Content-Length, so that it goes chunked: a server must
     * read it all the same.
     */
    Response sendChunked(String method, String path, String body, Map<String, String> headers) {
        byte[] bytes = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(bytes)));
        headers.forEach(b::header);
        return send(b.build());
    }

    Response send(HttpRequest request) {
        try {
            HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
            return new Response(r.statusCode(), r.headers(), r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static Map<String, String> bearer(String key) {
        return Map.of("Authorization", "Bearer " + key);
    }

    URI base() {
        return base;
    }
}
