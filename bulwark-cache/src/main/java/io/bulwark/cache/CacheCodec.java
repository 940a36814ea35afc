package io.bulwark.cache;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bulwark.core.json.Json;
import java.util.Objects;

/**
 * Turns values into the text stored in the L2 and back. JSON through Jackson by default
 * ({@link #json(Class)}); any other text form (a binary format in Base64, say) through an
 * implementation of this interface.
 *
 * <p>A value that no longer decodes (its class changed) is a miss, not an error: the cache loads
 * it again and overwrites it. Bump {@link CacheConfig#version()} when the format changes on
 * purpose, so that a fleet running both versions during a deploy keeps two sets of entries.
 *
 * @param <V> the value type
 */
public interface CacheCodec<V> {

    /** The text of {@code value} (never {@code null}). */
    String encode(V value);

    /**
     * The value of {@code text}.
     *
     * @throws RuntimeException when the text does not hold a value of this type (then a miss)
     */
    V decode(String text);

    /** JSON for {@code type}, with Bulwark's Jackson settings. */
    static <V> CacheCodec<V> json(Class<V> type) {
        return json(Json.mapper(), Json.mapper().constructType(type));
    }

    /** JSON for a generic type: {@code CacheCodec.json(new TypeReference<List<Product>>() {})}. */
    static <V> CacheCodec<V> json(TypeReference<V> type) {
        return json(Json.mapper(), Json.mapper().constructType(type));
    }

    /** JSON with {@code mapper} (for modules of your own) for {@code type}. */
    static <V> CacheCodec<V> json(ObjectMapper mapper, JavaType type) {
        Objects.requireNonNull(mapper, "mapper");
        Objects.requireNonNull(type, "type");
        return new CacheCodec<>() {
            @Override
            public String encode(V value) {
                try {
                    return mapper.writeValueAsString(value);
                } catch (JsonProcessingException e) {
                    throw new IllegalArgumentException("cannot write a " + type + " as JSON: " + e.getOriginalMessage(), e);
                }
            }

            @Override
            public V decode(String text) {
                try {
                    return mapper.readValue(text, type);
                } catch (JsonProcessingException e) {
                    throw new IllegalArgumentException("cannot read a " + type + " from JSON" + Json.syntaxError(e), e);
                }
            }

            @Override
            public String toString() {
                return "CacheCodec.json(" + type + ")";
            }
        };
    }
}
