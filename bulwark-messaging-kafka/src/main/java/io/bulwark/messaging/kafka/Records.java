package io.bulwark.messaging.kafka;

import io.bulwark.messaging.Broker;
import io.bulwark.messaging.Delivery;
import io.bulwark.messaging.Outgoing;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * How a message is written in a Kafka record and read back. The body is the record's value, the
 * key its key (UTF-8), and the message's headers its headers (UTF-8 values); Bulwark's own fields
 * are headers whose names start with {@code bulwark-}, which a message may therefore not use:
 * {@code bulwark-id} (the message's id), {@code bulwark-at} (publish time, epoch milliseconds, on
 * copies only: a published record's own timestamp is its publish time),
 * {@code bulwark-not-before} (when a delayed or retried message is due), {@code bulwark-deliveries}
 * (deliveries before this record), and on dead letters {@code bulwark-death} and
 * {@code bulwark-group}. A record another producer wrote, without them, is delivered with the id
 * {@code <kafka topic>-<partition>-<offset>} and its timestamp as publish time.
 */
final class Records {

    static final String OURS = "bulwark-";
    static final String ID = "bulwark-id";
    static final String AT = "bulwark-at";
    static final String NOT_BEFORE = "bulwark-not-before";
    static final String DELIVERIES = "bulwark-deliveries";
    static final String GROUP = "bulwark-group";

    private Records() {
    }

    /** True for a header name a message may not carry on Kafka. */
    static boolean reserved(String header) {
        return header.regionMatches(true, 0, OURS, 0, OURS.length());
    }

    /** The record of a new message; {@code notBefore} 0 for one due at once. */
    static ProducerRecord<byte[], byte[]> record(String kafkaTopic, String id, long at, long notBefore, Outgoing m) {
        RecordHeaders h = new RecordHeaders();
        m.headers().forEach((k, v) -> h.add(k, utf8(v)));
        h.add(ID, utf8(id));
        // The publish time is the record's timestamp; bulwark-at is written only on copies, whose
        // timestamp is when they were copied (a header less on every record: about 10% of a publish).
        if (notBefore > 0) {
            h.add(NOT_BEFORE, utf8(Long.toString(notBefore)));
        }
        return new ProducerRecord<>(kafkaTopic, null, at, m.key() == null ? null : utf8(m.key()), m.body(), h);
    }

    /**
     * A copy of {@code r} for {@code kafkaTopic} (same key, body, id and publish time), without
     * the headers named in {@code drop} and with those of {@code set}. When {@code r} has no id,
     * the id it was delivered with is written, so every later delivery carries the same one.
     */
    static ProducerRecord<byte[], byte[]> copy(ConsumerRecord<byte[], byte[]> r, String kafkaTopic, long now,
                                               Set<String> drop, Map<String, String> set) {
        RecordHeaders h = new RecordHeaders();
        for (Header header : r.headers()) {
            if (!drop.contains(header.key()) && !set.containsKey(header.key())) {
                h.add(header.key(), header.value());
            }
        }
        if (r.headers().lastHeader(ID) == null) {
            h.add(ID, utf8(foreignId(r)));
        }
        if (r.headers().lastHeader(AT) == null) {
            h.add(AT, utf8(Long.toString(r.timestamp()))); // a first record's timestamp is its publish time
        }
        set.forEach((k, v) -> h.add(k, utf8(v)));
        return new ProducerRecord<>(kafkaTopic, null, now, r.key(), r.value() == null ? new byte[0] : r.value(), h);
    }

    /** The message in {@code r}, delivered for the {@code deliveries}-th time. */
    static Delivery delivery(String topic, ConsumerRecord<byte[], byte[]> r, int deliveries) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (Header h : r.headers()) {
            if (!reserved(h.key()) || h.key().equals(Broker.DEATH_HEADER)) {
                headers.put(h.key(), h.value() == null ? "" : new String(h.value(), StandardCharsets.UTF_8));
            }
        }
        String id = text(r, ID);
        String at = text(r, AT);
        return new Delivery(id == null ? foreignId(r) : id, topic,
                r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8), headers,
                r.value() == null ? new byte[0] : r.value(), deliveries,
                Instant.ofEpochMilli(at == null ? r.timestamp() : parse(at, r.timestamp())));
    }

    /** Deliveries of the message before this record (0 for a first delivery). */
    static int deliveriesBefore(ConsumerRecord<byte[], byte[]> r) {
        String n = text(r, DELIVERIES);
        return n == null ? 0 : (int) Math.max(0, Math.min(Integer.MAX_VALUE / 2, parse(n, 0)));
    }

    /** When the record is due, epoch milliseconds (0: at once). */
    static long notBefore(ConsumerRecord<byte[], byte[]> r) {
        String n = text(r, NOT_BEFORE);
        return n == null ? 0 : parse(n, 0);
    }

    static String text(ConsumerRecord<byte[], byte[]> r, String header) {
        Header h = r.headers().lastHeader(header);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static String foreignId(ConsumerRecord<byte[], byte[]> r) {
        return r.topic() + "-" + r.partition() + "-" + r.offset();
    }

    private static long parse(String s, long otherwise) {
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return otherwise;
        }
    }

    /** {@code t} in epoch milliseconds, rounded up: a delay is never cut short by a fraction of a millisecond. */
    static long dueMillis(java.time.Instant t) {
        return t.getNano() % 1_000_000 == 0 ? t.toEpochMilli() : t.toEpochMilli() + 1;
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** About the bytes {@code m} takes in a record: key, headers (names and values) and body. */
    static int size(Outgoing m) {
        int n = m.body().length + (m.key() == null ? 0 : utf8(m.key()).length);
        for (var h : m.headers().entrySet()) {
            n += h.getKey().length() + utf8(h.getValue()).length;
        }
        return n;
    }
}
