package io.bulwark.messaging.sqs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import io.bulwark.core.json.Json;
import io.bulwark.messaging.Broker;
import io.bulwark.messaging.Delivery;
import io.bulwark.messaging.Outgoing;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How a message is kept in an SQS message, so that the console and other SQS clients show it
 * plainly: the body as the message body when it is text SQS accepts (UTF-8 of the characters XML
 * allows), else in base64 with {@code bulwark-body: base64}; Bulwark's fields as message
 * attributes. SQS allows 10 attributes per message, and a message may have 64 headers, so the
 * headers travel together as one JSON object.
 *
 * <pre>
 * bulwark-id          String   the message's id (UUIDv7), the same on every copy
 * bulwark-at          Number   when it was published, epoch milliseconds
 * bulwark-key         String   its key, when it has one
 * bulwark-headers     String   its headers as a JSON object, when it has any
 * bulwark-body        String   base64, or empty (SQS takes no empty body), when the body is not plain text
 * bulwark-not-before  Number   for a delay past SQS's 15 minutes: when it may be handled
 * bulwark-group       String   the group whose queue this copy went to
 * bulwark-death       String   in the dead letters: why it died
 * bulwark-deliveries  Number   in the dead letters: deliveries it had
 * </pre>
 *
 * A message without {@code bulwark-id} (sent by another SQS client) is delivered with SQS's
 * message id, its sent time and its body as text.
 */
final class Messages {

    static final String ID = "bulwark-id";
    static final String AT = "bulwark-at";
    static final String KEY = "bulwark-key";
    static final String HEADERS = "bulwark-headers";
    static final String BODY = "bulwark-body";
    static final String NOT_BEFORE = "bulwark-not-before";
    static final String GROUP = "bulwark-group";
    static final String DEATH = Broker.DEATH_HEADER;
    static final String DELIVERIES = "bulwark-deliveries";
    /** The most bytes an SQS message may have, body and attributes (SQS's limit before 2025, and every emulator's). */
    static final int SQS_MAX_BYTES = 256 * 1024;
    /** Room kept for what a dead letter adds (reason, deliveries, group), so a message that was sent can always die. */
    static final int DEAD_LETTER_ROOM = 4096;
    private static final String EMPTY_BODY = "(empty)";
    private static final TypeReference<LinkedHashMap<String, String>> HEADER_MAP = new TypeReference<>() {
    };

    private Messages() {
    }

    /** A message's body and attributes, as sent. */
    record Encoded(String body, Map<String, MessageAttributeValue> attributes) {

        /** How SQS counts a message's size: the body's UTF-8 bytes, and each attribute's name, type and value. */
        int bytes() {
            int n = utf8(body);
            for (var a : attributes.entrySet()) {
                n += utf8(a.getKey()) + utf8(a.getValue().dataType()) + utf8(a.getValue().stringValue());
            }
            return n;
        }

        /** The same message with {@code name} set to {@code value} (or removed, when null). */
        Encoded with(String name, MessageAttributeValue value) {
            Map<String, MessageAttributeValue> copy = new LinkedHashMap<>(attributes);
            if (value == null) {
                copy.remove(name);
            } else {
                copy.put(name, value);
            }
            return new Encoded(body, copy);
        }
    }

    /** {@code m}, published as {@code id} at {@code at}; {@code notBefore} only for a delay past SQS's own. */
    static Encoded encode(String id, Instant at, Outgoing m, Instant notBefore) {
        Map<String, MessageAttributeValue> a = new LinkedHashMap<>();
        a.put(ID, text(id));
        a.put(AT, number(at.toEpochMilli()));
        if (m.key() != null) {
            a.put(KEY, text(m.key()));
        }
        if (!m.headers().isEmpty()) {
            try {
                a.put(HEADERS, text(Json.mapper().writeValueAsString(m.headers())));
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("headers: cannot be written as JSON: " + e.getOriginalMessage(), e);
            }
        }
        if (notBefore != null) {
            a.put(NOT_BEFORE, number(notBefore.toEpochMilli()));
        }
        String body;
        if (m.body().length == 0) {
            body = EMPTY_BODY;
            a.put(BODY, text("empty"));
        } else if (isSqsText(m.body())) {
            body = new String(m.body(), StandardCharsets.UTF_8);
        } else {
            body = Base64.getEncoder().encodeToString(m.body());
            a.put(BODY, text("base64"));
        }
        return new Encoded(body, a);
    }

    /** A received message as it is sent again (a delay's next hop, a dead letter, a redrive): its body and attributes. */
    static Encoded copy(Message m) {
        return new Encoded(m.body(), new LinkedHashMap<>(m.messageAttributes()));
    }

    /** True when SQS takes {@code body} as it is: well-formed UTF-8 of the characters XML allows. */
    static boolean isSqsText(byte[] body) {
        String s;
        try {
            s = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            return false;
        }
        return s.codePoints().allMatch(c -> c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF)
                || (c >= 0xE000 && c <= 0xFFFD) || c >= 0x10000);
    }

    /**
     * The delivery of {@code m} from {@code topic}; {@code deliveries} is SQS's receive count in a
     * group's queue, or what a dead letter recorded.
     */
    static Delivery delivery(String topic, Message m, int deliveries) {
        Map<String, MessageAttributeValue> a = m.messageAttributes();
        String id = string(a, ID);
        Instant at;
        if (id == null) { // sent by another SQS client
            id = m.messageId();
            String sent = m.attributes().get(MessageSystemAttributeName.SENT_TIMESTAMP);
            at = sent == null ? Instant.EPOCH : Instant.ofEpochMilli(Long.parseLong(sent));
        } else {
            at = Instant.ofEpochMilli(longValue(a, AT, 0));
        }
        Map<String, String> headers = headers(string(a, HEADERS));
        String death = string(a, DEATH);
        if (death != null) {
            headers.put(DEATH, death);
        }
        return new Delivery(id, topic, string(a, KEY), headers, body(m), deliveries, at);
    }

    /** SQS's count of receives of {@code m}: its deliveries in a group's queue. */
    static int receiveCount(Message m) {
        String n = m.attributes().get(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT);
        return n == null ? 1 : Math.max(1, Integer.parseInt(n));
    }

    static byte[] body(Message m) {
        String kind = string(m.messageAttributes(), BODY);
        if ("empty".equals(kind)) {
            return new byte[0];
        }
        if ("base64".equals(kind)) {
            return Base64.getDecoder().decode(m.body());
        }
        return m.body().getBytes(StandardCharsets.UTF_8);
    }

    private static Map<String, String> headers(String json) {
        if (json == null) {
            return new LinkedHashMap<>();
        }
        try {
            return Json.mapper().readValue(json, HEADER_MAP);
        } catch (JsonProcessingException e) {
            return new LinkedHashMap<>(); // not ours after all: delivered without headers rather than not at all
        }
    }

    static String string(Map<String, MessageAttributeValue> a, String name) {
        MessageAttributeValue v = a.get(name);
        return v == null ? null : v.stringValue();
    }

    static long longValue(Map<String, MessageAttributeValue> a, String name, long otherwise) {
        String v = string(a, name);
        if (v == null) {
            return otherwise;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            return otherwise;
        }
    }

    static MessageAttributeValue text(String value) {
        return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
    }

    static MessageAttributeValue number(long value) {
        return MessageAttributeValue.builder().dataType("Number").stringValue(Long.toString(value)).build();
    }

    private static int utf8(String s) {
        if (s == null) {
            return 0;
        }
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n++;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c)) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }
}
