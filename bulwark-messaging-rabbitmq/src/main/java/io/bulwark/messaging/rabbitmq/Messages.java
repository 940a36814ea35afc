package io.bulwark.messaging.rabbitmq;

import com.rabbitmq.client.AMQP;
import io.bulwark.messaging.Broker;
import io.bulwark.messaging.Delivery;
import io.bulwark.messaging.Outgoing;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * How a message is kept in an AMQP message, so that other AMQP clients and the management UI show
 * it plainly: the body as it is; the id as {@code message-id}; the headers as AMQP headers; the
 * publish time as {@code timestamp} (seconds, as AMQP has it) and, to the millisecond, as
 * {@code x-bulwark-at}; the key as {@code x-bulwark-key} (and the routing key); persistent; the
 * priority as {@code priority}. Deliveries before this copy are {@code x-bulwark-deliveries}
 * (absent when none), a dead letter's group {@code x-bulwark-group} and its reason
 * {@value Broker#DEATH_HEADER}.
 *
 * <p>Headers whose names start with {@code x-bulwark-}, and those RabbitMQ sets itself
 * ({@code x-death}, {@code x-delivery-count}, ...), are not the user's: they are not delivered as
 * headers, and a message may not carry them.
 */
final class Messages {

    static final String KEY = "x-bulwark-key";
    static final String AT = "x-bulwark-at";
    static final String DELIVERIES = "x-bulwark-deliveries";
    static final String GROUP = "x-bulwark-group";
    static final String OURS = "x-bulwark-";
    /** Set by RabbitMQ on dead-lettering and on redelivery from a quorum queue. */
    static final Set<String> BROKERS = Set.of("x-death", "x-delivery-count", "x-first-death-exchange",
            "x-first-death-queue", "x-first-death-reason", "x-last-death-exchange", "x-last-death-queue",
            "x-last-death-reason");

    private Messages() {
    }

    /** True for a header name a message may not carry on RabbitMQ. */
    static boolean reserved(String header) {
        return header.startsWith(OURS) || BROKERS.contains(header);
    }

    /** The properties of {@code m}, newly published as {@code id} at {@code at}. */
    static AMQP.BasicProperties properties(String id, Instant at, Outgoing m) {
        return properties(id, new Stamp(at), m);
    }

    /**
     * The properties of {@code m}, newly published as {@code id} at the stamp's time. The messages
     * of one publish share the stamp's timestamp and, when they have no headers or key of their own,
     * its headers: a publish then makes no map per message.
     */
    static AMQP.BasicProperties properties(String id, Stamp at, Outgoing m) {
        Map<String, Object> headers;
        if (m.headers().isEmpty() && m.key() == null) {
            headers = at.headers;
        } else {
            headers = LinkedHashMap.newLinkedHashMap(m.headers().size() + 2);
            headers.putAll(m.headers());
            if (m.key() != null) {
                headers.put(KEY, m.key());
            }
            headers.put(AT, at.millis);
        }
        return new AMQP.BasicProperties.Builder().messageId(id).timestamp(at.timestamp).deliveryMode(2)
                .priority(m.priority()).contentType(m.headers().get("content-type")).headers(headers).build();
    }

    /**
     * The publish time of a batch as its messages carry it: the AMQP timestamp and the
     * {@value #AT} header. Its date and map are shared by the batch's properties and read only by
     * the client as it writes them, so they must not be handed out.
     */
    static final class Stamp {
        private final Long millis;
        private final Date timestamp;
        private final Map<String, Object> headers;

        Stamp(Instant at) {
            this.millis = at.toEpochMilli();
            this.timestamp = Date.from(at);
            this.headers = Map.of(AT, millis);
        }
    }

    /**
     * A copy of a delivered message for publishing again: the same id, body and user headers,
     * {@code deliveries} behind it, and {@code extra} headers; what RabbitMQ added and a dead
     * letter's own headers are left out.
     */
    static AMQP.BasicProperties copy(AMQP.BasicProperties p, int deliveries, Map<String, Object> extra) {
        Map<String, Object> headers = new LinkedHashMap<>();
        if (p.getHeaders() != null) {
            p.getHeaders().forEach((k, v) -> {
                if (!BROKERS.contains(k) && !k.equals(DELIVERIES) && !k.equals(GROUP) && !k.equals(Broker.DEATH_HEADER)) {
                    headers.put(k, v);
                }
            });
        }
        if (deliveries > 0) {
            headers.put(DELIVERIES, deliveries);
        }
        headers.putAll(extra);
        return p.builder().deliveryMode(2).headers(headers).build();
    }

    /**
     * The delivery of a message fetched from a group's queue: deliveries are those before this copy,
     * plus this one, plus the times RabbitMQ gave it back because a consumer went away or released
     * it ({@code x-delivery-count} on a quorum queue; a classic queue only says whether it did).
     */
    static Delivery delivery(String topic, AMQP.BasicProperties p, byte[] body, boolean redelivered) {
        Map<String, Object> h = p.getHeaders() == null ? Map.of() : p.getHeaders();
        long returned = h.get("x-delivery-count") instanceof Number n ? n.longValue() : redelivered ? 1 : 0;
        return of(topic, p, body, (int) Math.min(Integer.MAX_VALUE, number(h.get(DELIVERIES)) + 1 + returned));
    }

    /** A dead letter as {@link Broker#deadLetters} shows it: deliveries are those it had when it died. */
    static Delivery deadLetter(String topic, AMQP.BasicProperties p, byte[] body) {
        Map<String, Object> h = p.getHeaders() == null ? Map.of() : p.getHeaders();
        return of(topic, p, body, (int) Math.min(Integer.MAX_VALUE, number(h.get(DELIVERIES))));
    }

    /** The group a dead letter died in, or null. */
    static String group(AMQP.BasicProperties p) {
        Object g = p.getHeaders() == null ? null : p.getHeaders().get(GROUP);
        return g == null ? null : text(g);
    }

    private static Delivery of(String topic, AMQP.BasicProperties p, byte[] body, int deliveries) {
        Map<String, Object> h = p.getHeaders() == null ? Map.of() : p.getHeaders();
        Map<String, String> headers = Map.of(); // most messages carry only Bulwark's and RabbitMQ's: no map made
        for (Map.Entry<String, Object> e : h.entrySet()) {
            if (e.getValue() != null && !reserved(e.getKey())) {
                if (headers.isEmpty()) {
                    headers = LinkedHashMap.newLinkedHashMap(h.size());
                }
                headers.put(e.getKey(), text(e.getValue()));
            }
        }
        Object key = h.get(KEY);
        Instant at = h.get(AT) instanceof Number n ? Instant.ofEpochMilli(n.longValue())
                : p.getTimestamp() != null ? p.getTimestamp().toInstant() : Instant.EPOCH;
        return new Delivery(p.getMessageId() == null ? "?" : p.getMessageId(), topic, key == null ? null : text(key),
                headers, body, deliveries, at);
    }

    private static long number(Object v) {
        if (v instanceof Number n) {
            return Math.max(0, n.longValue());
        }
        if (v != null) {
            try {
                return Math.max(0, Long.parseLong(text(v)));
            } catch (NumberFormatException e) {
                return 0;
            }
        }
        return 0;
    }

    /** A header value as text: AMQP long strings arrive as bytes. */
    private static String text(Object v) {
        return v instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : v.toString();
    }

    /** About how many bytes {@code m}'s headers take in an AMQP header frame. */
    static int headerBytes(Outgoing m) {
        int n = 200; // the other properties and our own headers
        for (var e : m.headers().entrySet()) {
            n += 6 + e.getKey().getBytes(StandardCharsets.UTF_8).length + e.getValue().getBytes(StandardCharsets.UTF_8).length;
        }
        if (m.key() != null) {
            n += 6 + KEY.length() + m.key().getBytes(StandardCharsets.UTF_8).length;
        }
        return n;
    }
}
