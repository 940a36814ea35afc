package io.bulwark.messaging.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.LongString;
import com.rabbitmq.client.impl.LongStringHelper;
import io.bulwark.messaging.Broker;
import io.bulwark.messaging.Delivery;
import io.bulwark.messaging.Outgoing;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class MessagesTest {

    private static final Instant AT = Instant.parse("2026-03-01T10:15:30.123Z");

    /** As RabbitMQ hands them back: strings as long strings, and its own headers added. */
    private static AMQP.BasicProperties asDelivered(AMQP.BasicProperties p, Map<String, Object> added) {
        Map<String, Object> h = new HashMap<>();
        p.getHeaders().forEach((k, v) -> h.put(k, v instanceof String s ? LongStringHelper.asLongString(s) : v));
        h.putAll(added);
        return p.builder().headers(h).build();
    }

    @Test
    void aMessageKeepsItsIdKeyHeadersTimeAndPriority() {
        Outgoing m = Outgoing.json(Map.of("n", 1)).key("customer-7").header("source", "web").priority(4).build();
        AMQP.BasicProperties p = Messages.properties("id-1", AT, m);
        assertThat(p.getMessageId()).isEqualTo("id-1");
        assertThat(p.getDeliveryMode()).isEqualTo(2);
        assertThat(p.getPriority()).isEqualTo(4);
        assertThat(p.getContentType()).isEqualTo("application/json");
        assertThat(p.getTimestamp().toInstant()).isEqualTo(AT); // sent as seconds: AMQP's timestamp has no more

        Delivery d = Messages.delivery("orders", asDelivered(p, Map.of()), m.body(), false);
        assertThat(d.id()).isEqualTo("id-1");
        assertThat(d.key()).isEqualTo("customer-7");
        assertThat(d.headers()).containsExactlyInAnyOrderEntriesOf(Map.of("source", "web", "content-type", "application/json"));
        assertThat(d.publishedAt()).isEqualTo(AT);
        assertThat(d.deliveries()).isEqualTo(1);
    }

    @Test
    void messagesOfOnePublishShareItsTimeAndKeepTheirOwnHeaders() {
        Messages.Stamp stamp = new Messages.Stamp(AT);
        Outgoing plain = Outgoing.text("a").build();
        Outgoing keyed = Outgoing.text("b").key("k").build();
        Outgoing headed = Outgoing.text("c").header("source", "web").build();

        AMQP.BasicProperties p1 = Messages.properties("id-1", stamp, plain);
        AMQP.BasicProperties p2 = Messages.properties("id-2", stamp, keyed);
        AMQP.BasicProperties p3 = Messages.properties("id-3", stamp, headed);

        assertThat(p1.getHeaders()).containsExactlyInAnyOrderEntriesOf(Map.of(Messages.AT, AT.toEpochMilli()));
        assertThat(p2.getHeaders()).containsExactlyInAnyOrderEntriesOf(Map.of(Messages.AT, AT.toEpochMilli(), Messages.KEY, "k"));
        assertThat(p3.getHeaders()).containsExactlyInAnyOrderEntriesOf(Map.of(Messages.AT, AT.toEpochMilli(), "source", "web"));
        for (var p : List.of(p1, p2, p3)) {
            assertThat(p.getTimestamp().toInstant()).isEqualTo(AT);
            assertThat(Messages.delivery("t", asDelivered(p, Map.of()), new byte[0], false).publishedAt()).isEqualTo(AT);
        }
        assertThat(Messages.delivery("t", asDelivered(p2, Map.of()), new byte[0], false).key()).isEqualTo("k");
        assertThat(Messages.delivery("t", asDelivered(p3, Map.of()), new byte[0], false).headers())
                .containsExactlyInAnyOrderEntriesOf(Map.of("source", "web"));
    }

    @Test
    void deliveriesAddWhatCameBeforeAndWhatTheBrokerCounted() {
        AMQP.BasicProperties p = Messages.properties("id", AT, Outgoing.text("x").build());
        AMQP.BasicProperties retried = Messages.copy(asDelivered(p, Map.of()), 2, Map.of());
        assertThat(Messages.delivery("t", asDelivered(retried, Map.of()), new byte[0], false).deliveries()).isEqualTo(3);
        assertThat(Messages.delivery("t", asDelivered(retried, Map.of("x-delivery-count", 2L)), new byte[0], true)
                .deliveries()).as("a quorum queue's count").isEqualTo(5);
        assertThat(Messages.delivery("t", asDelivered(retried, Map.of()), new byte[0], true).deliveries())
                .as("a classic queue's flag").isEqualTo(4);
    }

    @Test
    void aCopyLeavesOutWhatRabbitMqAndTheDeadLettersAdded() {
        AMQP.BasicProperties p = Messages.properties("id", AT, Outgoing.text("x").header("h", "v").build());
        AMQP.BasicProperties dead = asDelivered(Messages.copy(p, 3, Map.of(Broker.DEATH_HEADER, "rejected: no", Messages.GROUP,
                "billing")), Map.of("x-death", List.of(Map.of("count", 1L)), "x-delivery-count", 1L,
                "x-first-death-queue", LongStringHelper.asLongString("q")));

        Delivery shown = Messages.deadLetter("t", dead, new byte[0]);
        assertThat(shown.headers()).containsOnlyKeys("h", Broker.DEATH_HEADER);
        assertThat(shown.deliveries()).isEqualTo(3);
        assertThat(Messages.group(dead)).isEqualTo("billing");

        AMQP.BasicProperties redriven = Messages.copy(dead, 0, Map.of());
        assertThat(redriven.getHeaders()).containsOnlyKeys("h", Messages.AT);
        assertThat(redriven.getMessageId()).isEqualTo("id");
        assertThat(Messages.delivery("t", redriven, new byte[0], false).deliveries()).isEqualTo(1);
    }

    @Test
    void headersOfOtherPublishersAreReadAsText() {
        LongString text = LongStringHelper.asLongString("v");
        AMQP.BasicProperties p = new AMQP.BasicProperties.Builder().headers(Map.of("n", 5, "s", text, "x-bulwark-deliveries",
                LongStringHelper.asLongString("oops"))).build();
        Delivery d = Messages.delivery("t", p, new byte[0], false);
        assertThat(d.id()).isEqualTo("?");
        assertThat(d.headers()).containsExactlyInAnyOrderEntriesOf(Map.of("n", "5", "s", "v"));
        assertThat(d.deliveries()).isEqualTo(1);
        assertThat(d.publishedAt()).isEqualTo(Instant.EPOCH);
    }

    @Test
    void reservesOurNamesAndRabbitMqs() {
        assertThat(Messages.reserved("x-bulwark-key")).isTrue();
        assertThat(Messages.reserved("x-death")).isTrue();
        assertThat(Messages.reserved("x-delivery-count")).isTrue();
        assertThat(Messages.reserved("x-request-id")).isFalse();
        assertThat(Messages.reserved(Broker.DEATH_HEADER)).isFalse();
    }
}
