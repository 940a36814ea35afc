package io.bulwark.cli.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.bulwark.core.json.Json;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * A small client of the Bulwark REST API for the CLI. Problems from the server become a
 * {@link CliException} carrying the server's detail: exit 2 for a 400 (the input was bad),
 * exit 1 for anything else.
 */
public final class ApiClient {

    private final URI base;
    private final String apiKey;
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public ApiClient(String baseUrl, String apiKey) {
        String url = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        try {
            this.base = URI.create(url);
            if (base.getScheme() == null || base.getHost() == null) {
                throw new IllegalArgumentException("no scheme or host");
            }
        } catch (IllegalArgumentException e) {
            throw CliException.usage("--url must be an http(s) URL such as http://127.0.0.1:8080 but was '" + baseUrl + "'");
        }
        this.apiKey = apiKey;
    }

    public JsonNode get(String path) {
        return send(request(path).GET());
    }

    public JsonNode post(String path, Object body) {
        return post(path, body, DEFAULT_TIMEOUT);
    }

    /** POST {@code body} as JSON, allowing the server {@code timeout} to answer (a call that waits on purpose). */
    public JsonNode post(String path, Object body, Duration timeout) {
        try {
            return send(request(path).timeout(timeout).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(Json.mapper().writeValueAsBytes(body))));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw CliException.failure("cannot encode the request: " + e.getOriginalMessage());
        }
    }

    public JsonNode put(String path, Object body) {
        try {
            return send(request(path).header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(Json.mapper().writeValueAsBytes(body))));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw CliException.failure("cannot encode the request: " + e.getOriginalMessage());
        }
    }

    /** POST with a raw JSON body, as the user wrote it. */
    public JsonNode postJson(String path, String json) {
        return send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    /** POST {@code text} as is with {@code contentType} (a YAML document, say). */
    public JsonNode postText(String path, String contentType, String text) {
        return send(request(path).header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofString(text)));
    }

    public JsonNode delete(String path) {
        return send(request(path).DELETE());
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(DEFAULT_TIMEOUT)
                .header("Accept", "application/json");
        if (apiKey != null && !apiKey.isBlank()) {
            b.header("Authorization", "Bearer " + apiKey);
        }
        return b;
    }

    /** GETs a binary resource (a recording, a backup): its bytes, or the same errors as the JSON calls. */
    public byte[] bytes(String path) {
        HttpRequest.Builder b = request(path).setHeader("Accept", "application/octet-stream, application/problem+json");
        HttpRequest req = b.build();
        HttpResponse<byte[]> res = exchange(req);
        if (res.statusCode() >= 400) {
            fail(req, res, parse(res.body()));
        }
        return res.body();
    }

    private JsonNode send(HttpRequest.Builder builder) {
        HttpRequest req = builder.build();
        HttpResponse<byte[]> res = exchange(req);
        JsonNode body = parse(res.body());
        if (res.statusCode() >= 400) {
            fail(req, res, body);
        }
        return body;
    }

    private HttpResponse<byte[]> exchange(HttpRequest req) {
        HttpResponse<byte[]> res;
        try {
            res = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
        } catch (ConnectException e) {
            throw CliException.failure("cannot connect to " + base + ": is 'bulwark serve' running there? (--url / BULWARK_URL)");
        } catch (IOException e) {
            throw CliException.failure("request to " + req.uri() + " failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw CliException.failure("interrupted");
        }
        return res;
    }

    private static void fail(HttpRequest req, HttpResponse<byte[]> res, JsonNode body) {
        String detail = body != null && body.hasNonNull("detail") ? body.get("detail").asText() : "HTTP " + res.statusCode();
        StringBuilder msg = new StringBuilder(req.method() + " " + req.uri().getPath() + " failed (" + res.statusCode() + "): " + detail);
        if (body != null && body.has("errors")) {
            body.get("errors").forEach(e -> msg.append("\n  - ").append(e.path("field").asText()).append(": ")
                    .append(e.path("message").asText()));
        }
        throw new CliException(res.statusCode() == 400 ? ExitCodes.USAGE : ExitCodes.FAILURE, msg.toString());
    }

    private static JsonNode parse(byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            return null;
        }
        try {
            return Json.mapper().readTree(bytes);
        } catch (IOException e) {
            return null;
        }
    }
}
