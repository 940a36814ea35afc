package io.bulwark.messaging.sqs;

import io.bulwark.messaging.Delivery;
import io.bulwark.messaging.Outgoing;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class MessagesTest {

    private static final Instant AT = Instant.parse("2026-01-01T00:00:00.123Z");

    /** What SQS hands back for what was sent, with its receive count. */
    private static Message received(Messages.Encoded e, int receives) {
        return Message.builder().messageId("sqs-id").body(e.body()).messageAttributes(e.attributes())
                .attributes(Map.of(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT, Integer.toString(receives))).build();
    }

    @Test
    void textTravelsAsItIsWithKeyAndHeadersInAttributes() {
        Outgoing m = Outgoing.text("grüße {\"a\":1}").key("k-1").header("source", "web").header("x.y", "ü\"\\").build();
        Messages.Encoded e = Messages.encode("id-1", AT, m, null);
        assertThat(e.body()).isEqualTo("grüße {\"a\":1}");
        assertThat(e.attributes()).containsOnlyKeys(Messages.ID, Messages.AT, Messages.KEY, Messages.HEADERS);
        Delivery d = Messages.delivery("orders", received(e, 2), 2);
        assertThat(d.id()).isEqualTo("id-1");
        assertThat(d.key()).isEqualTo("k-1");
        assertThat(d.headers()).containsExactlyInAnyOrderEntriesOf(Map.of("source", "web", "x.y", "ü\"\\"));
        assertThat(d.text()).isEqualTo("grüße {\"a\":1}");
        assertThat(d.publishedAt()).isEqualTo(AT);
        assertThat(d.deliveries()).isEqualTo(2);
    }

    @Test
    void bytesSqsWouldRefuseTravelInBase64AndAnEmptyBodyAsAMarker() {
        byte[] binary = {0, (byte) 0xff, (byte) 0xc3, 0x28, 10};
        Messages.Encoded b = Messages.encode("id", AT, Outgoing.bytes(binary).build(), null);
        assertThat(b.attributes().get(Messages.BODY).stringValue()).isEqualTo("base64");
        assertThat(Messages.delivery("t", received(b, 1), 1).body()).containsExactly(binary);
        byte[] control = "bell \u0007".getBytes(StandardCharsets.UTF_8); // valid UTF-8, not a character SQS takes
        assertThat(Messages.encode("id", AT, Outgoing.bytes(control).build(), null).attributes()).containsKey(Messages.BODY);
        Messages.Encoded empty = Messages.encode("id", AT, Outgoing.bytes(new byte[0]).build(), null);
        assertThat(empty.body()).isNotEmpty();
        assertThat(Messages.delivery("t", received(empty, 1), 1).body()).isEmpty();
    }

    @Test
    void countsBytesAsSqsDoesBodyAndAttributes() {
        Messages.Encoded e = new Messages.Encoded("é€😀", Map.of("n", Messages.text("ü")));
        assertThat(e.bytes()).isEqualTo(2 + 3 + 4 + 1 + "String".length() + 2);
    }

    @Test
    void aMessageFromAnotherClientIsDeliveredWithSqssIdAndSentTime() {
        Message m = Message.builder().messageId("sqs-id").body("plain").attributes(Map.of(
                MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT, "1",
                MessageSystemAttributeName.SENT_TIMESTAMP, Long.toString(AT.toEpochMilli()))).build();
        Delivery d = Messages.delivery("t", m, Messages.receiveCount(m));
        assertThat(d.id()).isEqualTo("sqs-id");
        assertThat(d.publishedAt()).isEqualTo(AT);
        assertThat(d.text()).isEqualTo("plain");
        assertThat(d.headers()).isEmpty();
        assertThat(d.deliveries()).isEqualTo(1);
    }
}
