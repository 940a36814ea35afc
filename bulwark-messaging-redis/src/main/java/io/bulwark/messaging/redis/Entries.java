package io.bulwark.messaging.redis;

import io.bulwark.core.json.Json;
import io.bulwark.messaging.Delivery;
import io.bulwark.messaging.Outgoing;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a message is kept in a stream entry, so that {@code redis-cli XRANGE} shows it plainly:
 * {@code id}, {@code at} (published, epoch ms), {@code n} (deliveries before this entry: 0 when
 * published, one more for each redelivery), {@code key} when it has one, {@code h.<name>} for each
 * header, and {@code body} when it is UTF-8 text (else {@code body64}, Base64). A dead letter adds
 * {@code death}. In the delay set an entry is the JSON array of its field names and values.
 * {@link PublishCommands} writes the fields of {@link #of} straight into a publish's commands, in
 * the same order.
 */
final class Entries {

    static final String ID = "id";
    static final String AT = "at";
    static final String DELIVERIES = "n";
    static final String KEY = "key";
    static final String BODY = "body";
    static final String BODY64 = "body64";
    static final String HEADER = "h.";
    static final String DEATH = "death";

    /** Eight bytes of an array at once, for {@link #isUtf8}'s scan (four times faster than byte by byte). */
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private Entries() {
    }

    /** The fields of a newly published {@code m}. */
    static Map<String, String> of(String id, Instant at, Outgoing m) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put(ID, id);
        f.put(AT, Long.toString(at.toEpochMilli()));
        f.put(DELIVERIES, "0");
        if (m.key() != null) {
            f.put(KEY, m.key());
        }
        m.headers().forEach((k, v) -> f.put(HEADER + k, v));
        String text = utf8(m.body());
        if (text != null) {
            f.put(BODY, text);
        } else {
            f.put(BODY64, Base64.getEncoder().encodeToString(m.body()));
        }
        return f;
    }

    /** The delivery of an entry whose fields are {@code f}, delivered {@code pending} times from this entry. */
    static Delivery delivery(String topic, Map<String, String> f, int pending) {
        Map<String, String> headers = new LinkedHashMap<>();
        f.forEach((k, v) -> {
            if (k.startsWith(HEADER)) {
                headers.put(k.substring(HEADER.length()), v);
            }
        });
        if (f.containsKey(DEATH)) {
            headers.put(io.bulwark.messaging.Broker.DEATH_HEADER, f.get(DEATH));
        }
        byte[] body = f.containsKey(BODY64) ? Base64.getDecoder().decode(f.get(BODY64))
                : f.getOrDefault(BODY, "").getBytes(StandardCharsets.UTF_8);
        int before = Integer.parseInt(f.getOrDefault(DELIVERIES, "0"));
        return new Delivery(f.getOrDefault(ID, "?"), topic, f.get(KEY), headers, body, before + pending,
                Instant.ofEpochMilli(Long.parseLong(f.getOrDefault(AT, "0"))));
    }

    /** {@code f} with its delivery count set to {@code n}, as a flat list of names and values. */
    static List<String> flat(Map<String, String> f, int n) {
        List<String> out = new ArrayList<>();
        f.forEach((k, v) -> {
            if (!k.equals(DEATH)) {
                out.add(k);
                out.add(k.equals(DELIVERIES) ? Integer.toString(n) : v);
            }
        });
        return out;
    }

    /** A delay-set member: the JSON array of {@code flat}, plus a nonce so that equal copies stay two members. */
    static String member(List<String> flat, String nonce) {
        List<String> all = new ArrayList<>(flat);
        all.add("_");
        all.add(nonce);
        try {
            return Json.mapper().writeValueAsString(all);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether {@code bytes} are UTF-8 text, at the cost of a scan when they are ASCII (most bodies: JSON, text). */
    static boolean isUtf8(byte[] bytes) {
        long high = 0;
        int i = 0;
        for (; i + Long.BYTES <= bytes.length; i += Long.BYTES) {
            high |= (long) LONGS.get(bytes, i);
        }
        high &= 0x8080_8080_8080_8080L;
        for (; i < bytes.length; i++) {
            high |= bytes[i] & 0x80;
        }
        return high == 0 || utf8(bytes) != null;
    }

    private static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
