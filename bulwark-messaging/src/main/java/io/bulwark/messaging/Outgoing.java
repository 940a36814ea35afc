package io.bulwark.messaging;

import io.bulwark.core.json.Json;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A message to publish: a body, and optionally a key, headers, a delay and a priority.
 *
 * <pre>{@code
 * broker.publish("orders", Outgoing.json(order).key(order.customer()).header("source", "web").build());
 * broker.publish("reminders", Outgoing.text("call back").delay(Duration.ofMinutes(30)).build());
 * }</pre>
 *
 * <p>What each broker does with a key, a delay and a priority is in its {@link Features}; a
 * priority on a broker without priorities is refused, never ignored.
 *
 * @param body the bytes delivered
 * @param key orders and partitions where the broker has that (see {@link Features#ordering()}), or null
 * @param headers names and values delivered with it (names are {@link Names#HEADER})
 * @param delay how long before it may be delivered; zero for at once
 * @param priority 0-9 where the broker has priorities (higher first), or null
 */
public record Outgoing(byte[] body, String key, Map<String, String> headers, Duration delay, Integer priority) {

    /** The most headers one message may carry. */
    public static final int MAX_HEADERS = 64;

    /** Checks every field, naming the first one that is wrong. */
    public Outgoing {
        Objects.requireNonNull(body, "body must be set");
        headers = headers == null ? Map.of() : Map.copyOf(headers);
        delay = delay == null ? Duration.ZERO : delay;
        if (key != null && (key.isEmpty() || key.length() > 256)) {
            throw new IllegalArgumentException("key must be 1 to 256 characters, or left out, but was " + key.length()
                    + " characters");
        }
        if (headers.size() > MAX_HEADERS) {
            throw new IllegalArgumentException("headers: at most " + MAX_HEADERS + " but there were " + headers.size());
        }
        headers.forEach((name, value) -> {
            if (!Names.matches(name, 64)) {
                throw new IllegalArgumentException("headers: '" + name + "' is not a header name (1-64 letters, digits, "
                        + "'.', '_' or '-')");
            }
            if (value.length() > 4096) {
                throw new IllegalArgumentException("headers." + name + ": at most 4096 characters");
            }
        });
        if (delay.isNegative() || delay.compareTo(Duration.ofDays(365)) > 0) {
            throw new IllegalArgumentException("delay must be from 0 to 365d but was " + delay);
        }
        if (priority != null && (priority < 0 || priority > 9)) {
            throw new IllegalArgumentException("priority must be from 0 to 9 but was " + priority);
        }
    }

    /** A message whose body is {@code text} in UTF-8. */
    public static Builder text(String text) {
        return new Builder(text.getBytes(StandardCharsets.UTF_8));
    }

    /** A message whose body is {@code value} as JSON, with the header {@code content-type: application/json}. */
    public static Builder json(Object value) {
        try {
            return new Builder(Json.mapper().writeValueAsBytes(value)).header("content-type", "application/json");
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write the message body as JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** A message of {@code body}. */
    public static Builder bytes(byte[] body) {
        return new Builder(body);
    }

    /** Builds an {@link Outgoing}. */
    public static final class Builder {
        private final byte[] body;
        private String key;
        private final Map<String, String> headers = new LinkedHashMap<>();
        private Duration delay = Duration.ZERO;
        private Integer priority;

        private Builder(byte[] body) {
            this.body = Objects.requireNonNull(body, "body must be set");
        }

        public Builder key(String k) {
            this.key = k;
            return this;
        }

        public Builder header(String name, String value) {
            headers.put(name, Objects.requireNonNull(value, "header " + name + " must have a value"));
            return this;
        }

        public Builder headers(Map<String, String> all) {
            all.forEach(this::header);
            return this;
        }

        public Builder delay(Duration d) {
            this.delay = d;
            return this;
        }

        public Builder priority(Integer p) {
            this.priority = p;
            return this;
        }

        public Outgoing build() {
            return new Outgoing(body, key, headers, delay, priority);
        }
    }
}
