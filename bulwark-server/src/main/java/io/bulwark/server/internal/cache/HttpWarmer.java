package io.bulwark.server.internal.cache;

import com.fasterxml.jackson.databind.JsonNode;
import io.bulwark.cache.CacheWarmer;
import io.bulwark.core.json.Json;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The warm-up source of a server cache: one {@code GET} of {@code cache.<name>.warmUrl}, which
 * answers a JSON object of key to value (the snapshot the system that owns the data serves).
 * {@link #keys()} fetches and holds the snapshot; {@link #loadAll} hands out its batches; once the
 * warm-up ends, {@link #release()} drops it, so nothing outlives the run (a refresh never reloads
 * from an old snapshot). Keys another node already put in the L2 are not overwritten: a warm-up
 * fills what is missing.
 */
final class HttpWarmer implements CacheWarmer<String, JsonNode> {

    /** The largest snapshot read, in bytes. */
    static final int MAX_BYTES = 64 * 1024 * 1024;
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final URI url;
    private final String display;
    private final HttpClient client;
    private final AtomicReference<Map<String, JsonNode>> snapshot = new AtomicReference<>(Map.of());

    HttpWarmer(URI url, HttpClient client) {
        this.url = url;
        this.display = CacheSpec.display(url);
        this.client = client;
    }

    @Override
    public Set<String> keys() {
        HttpRequest request = HttpRequest.newBuilder(url).timeout(TIMEOUT).header("Accept", "application/json").GET().build();
        HttpResponse<InputStream> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new UncheckedIOException("GET " + display + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("GET " + display + " was interrupted", e);
        }
        byte[] body;
        try (InputStream in = response.body()) {
            body = in.readNBytes(MAX_BYTES + 1);
        } catch (IOException e) {
            throw new UncheckedIOException("reading the answer of GET " + display + " failed: " + e.getMessage(), e);
        }
        if (response.statusCode() != 200) {
            throw new IllegalStateException("GET " + display + " answered " + response.statusCode() + ", not 200");
        }
        if (body.length > MAX_BYTES) {
            throw new IllegalStateException("GET " + display + " answered more than " + MAX_BYTES + " bytes");
        }
        JsonNode tree;
        try {
            tree = Json.strictMapper().readTree(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("GET " + display + " did not answer JSON" + Json.syntaxError(e));
        } catch (IOException e) {
            throw new UncheckedIOException("reading the answer of GET " + display + " failed: " + e.getMessage(), e);
        }
        if (tree == null || !tree.isObject()) {
            throw new IllegalStateException("GET " + display + " must answer a JSON object of key to value, e.g. "
                    + "{\"sku-1\": {\"price\": 10}}, but answered " + (tree == null ? "nothing" : tree.getNodeType()));
        }
        Map<String, JsonNode> values = new LinkedHashMap<>();
        tree.properties().forEach(e -> {
            if (!e.getValue().isNull()) {
                values.put(e.getKey(), e.getValue()); // a null is left out, so it counts as failed
            }
        });
        snapshot.set(values);
        java.util.LinkedHashSet<String> keys = new java.util.LinkedHashSet<>();
        tree.fieldNames().forEachRemaining(keys::add);
        return keys;
    }

    @Override
    public Map<String, JsonNode> loadAll(Set<String> batch) {
        Map<String, JsonNode> held = snapshot.get();
        Map<String, JsonNode> out = new LinkedHashMap<>();
        for (String key : batch) {
            JsonNode v = held.get(key);
            if (v != null) {
                out.put(key, v);
            }
        }
        return out;
    }

    /** Drops the snapshot of the run that ended. */
    void release() {
        snapshot.set(Map.of());
    }

    @Override
    public String toString() {
        return "HttpWarmer[" + display + "]";
    }
}
