package io.bulwark.server.internal.resilience;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bulwark.cache.Cache;
import io.bulwark.core.json.Json;
import io.bulwark.providers.AnswerStore;
import io.bulwark.providers.ProviderResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Last good answers in a server cache ({@code resilience.answerCache}): each answer as JSON (status,
 * headers, the body in base64, the provider, when it was kept), so a cache with an L2 on Redis
 * shares them across the fleet. Reading or writing never throws: the cache degrades by itself
 * when Redis is away, and an entry another version wrote in another shape reads as a miss.
 */
final class CachedAnswers implements AnswerStore {

    private static final Logger LOG = LoggerFactory.getLogger(CachedAnswers.class);

    private final Cache<String, JsonNode> cache;

    CachedAnswers(Cache<String, JsonNode> cache) {
        this.cache = cache;
    }

    @Override
    public Optional<Stored> get(String key) {
        try {
            return cache.getIfPresent(key).flatMap(CachedAnswers::read);
        } catch (RuntimeException e) {
            LOG.debug("Reading the answer cache failed: {}", e.toString());
            return Optional.empty();
        }
    }

    @Override
    public void put(String key, Stored value) {
        try {
            cache.put(key, write(value));
        } catch (RuntimeException e) {
            LOG.debug("Writing the answer cache failed: {}", e.toString());
        }
    }

    static JsonNode write(Stored s) {
        ProviderResponse r = s.response();
        ObjectNode o = Json.mapper().createObjectNode();
        o.put("status", r.status());
        o.set("headers", Json.mapper().valueToTree(r.headers()));
        o.put("body", Base64.getEncoder().encodeToString(r.body()));
        o.put("provider", r.provider());
        o.put("storedAt", s.storedAt().toString());
        return o;
    }

    static Optional<Stored> read(JsonNode o) {
        if (!o.path("status").canConvertToInt() || !o.path("body").isTextual() || !o.path("storedAt").isTextual()) {
            return Optional.empty();
        }
        try {
            Map<String, List<String>> headers = new LinkedHashMap<>();
            o.path("headers").fields().forEachRemaining(e -> {
                List<String> values = new ArrayList<>();
                e.getValue().forEach(v -> values.add(v.asText()));
                headers.put(e.getKey(), values);
            });
            ProviderResponse r = new ProviderResponse(o.path("status").asInt(), headers,
                    Base64.getDecoder().decode(o.path("body").asText()), o.path("provider").asText(""),
                    ProviderResponse.Source.PRIMARY, null, false);
            return Optional.of(new Stored(r, Instant.parse(o.path("storedAt").asText())));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }
}
