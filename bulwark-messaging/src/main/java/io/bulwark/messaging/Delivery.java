package io.bulwark.messaging;

import io.bulwark.core.json.Json;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A message as a handler receives it.
 *
 * @param id the message's id, the same on every delivery of it (a bridge's idempotency key)
 * @param topic where it was published
 * @param key its key, or null
 * @param headers its headers
 * @param body its bytes
 * @param deliveries 1 on the first delivery, and one more on each redelivery
 * @param publishedAt when it was published, by the publisher's clock
 */
public record Delivery(String id, String topic, String key, Map<String, String> headers, byte[] body, int deliveries,
                       Instant publishedAt) {

    public Delivery {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(topic, "topic");
        headers = headers == null ? Map.of() : Map.copyOf(headers);
        Objects.requireNonNull(body, "body");
    }

    /** The body as UTF-8 text. */
    public String text() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /**
     * The body read as JSON into {@code type}.
     *
     * @throws Reject when it is not JSON of that shape: no redelivery can fix it
     */
    public <T> T json(Class<T> type) {
        try {
            return Json.mapper().readValue(body, type);
        } catch (IOException e) {
            throw new Reject("the body is not JSON of " + type.getSimpleName() + ": " + e.getMessage());
        }
    }
}
