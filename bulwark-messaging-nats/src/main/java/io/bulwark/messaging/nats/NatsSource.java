package io.bulwark.messaging.nats;

import io.bulwark.messaging.Delivery;
import io.bulwark.messaging.spi.DeliverySource;
import io.bulwark.messaging.spi.Received;
import io.nats.client.ConsumerContext;
import io.nats.client.FetchConsumeOptions;
import io.nats.client.FetchConsumer;
import io.nats.client.Message;
import io.nats.client.impl.Headers;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One member of a group: pulls from the group's durable consumer. */
final class NatsSource implements DeliverySource {

    private static final Duration MIN_WAIT = Duration.ofSeconds(1);

    private final NatsBroker broker;
    private final String topic;
    private final String group;
    private ConsumerContext context;

    NatsSource(NatsBroker broker, String topic, String group) {
        this.broker = broker;
        this.topic = topic;
        this.group = group;
    }

    private ConsumerContext context() throws Exception {
        if (context == null) {
            context = broker.js().getConsumerContext(broker.stream(topic), NatsBroker.escape(group));
        }
        return context;
    }

    /** The durable consumer's {@code num_pending} (not yet delivered) plus {@code num_ack_pending} (delivered, not acknowledged). */
    @Override
    public java.util.OptionalLong lag() throws Exception {
        io.nats.client.api.ConsumerInfo info = broker.jsm().getConsumerInfo(broker.stream(topic), NatsBroker.escape(group));
        return java.util.OptionalLong.of(info.getNumPending() + info.getNumAckPending());
    }

    @Override
    public List<Received> poll(int max, Duration wait) throws Exception {
        List<Received> out = new ArrayList<>();
        // The client waits at least a second for a pull; handlers are started by the consumer meanwhile.
        Message first = context().next(wait.compareTo(MIN_WAIT) < 0 ? MIN_WAIT : wait);
        if (first == null) {
            return out;
        }
        add(first, out);
        if (max > 1) {
            FetchConsumer more = context().fetch(FetchConsumeOptions.builder().maxMessages(max - 1).noWait().build());
            for (Message m = more.nextMessage(); m != null; m = more.nextMessage()) {
                add(m, out);
            }
        }
        return out;
    }

    /** Adds {@code m}, or gives it back until its time when it is a delayed message received early. */
    private void add(Message m, List<Received> out) {
        String notBefore = header(m, NatsBroker.NOT_BEFORE);
        long now = broker.clock().millis();
        if (notBefore != null && Long.parseLong(notBefore) > now) {
            m.nakWithDelay(Duration.ofMillis(Long.parseLong(notBefore) - now));
            return;
        }
        int delivered = (int) m.metaData().deliveredCount();
        // A delayed message was delivered once early and given back: that delivery is not the handler's.
        int deliveries = notBefore != null ? Math.max(1, delivered - 1) : delivered;
        out.add(new Received(delivery(topic, m, deliveries), m));
    }

    static Delivery delivery(String topic, Message m, int deliveries) {
        Map<String, String> headers = new LinkedHashMap<>();
        String id = "?";
        String key = null;
        long at = 0;
        Headers h = m.getHeaders();
        if (h != null) {
            for (String name : h.keySet()) {
                String value = h.getFirst(name);
                switch (name) {
                    case NatsBroker.ID -> id = value;
                    case NatsBroker.KEY -> key = value;
                    case NatsBroker.AT -> at = Long.parseLong(value);
                    case NatsBroker.NOT_BEFORE, NatsBroker.GROUP, NatsBroker.MSG_ID -> {
                    }
                    default -> headers.put(name, value);
                }
            }
        }
        return new Delivery(id, topic, key, headers, m.getData() == null ? new byte[0] : m.getData(), deliveries,
                Instant.ofEpochMilli(at));
    }

    private static String header(Message m, String name) {
        return m.getHeaders() == null ? null : m.getHeaders().getFirst(name);
    }

    private static Message message(Received r) {
        return (Message) r.handle();
    }

    @Override
    public void ack(Received r) {
        message(r).ack();
    }

    @Override
    public void retry(Received r, Duration delay) {
        message(r).nakWithDelay(delay);
    }

    @Override
    public void deadLetter(Received r, String reason) throws Exception {
        broker.keepDead(topic, group, message(r), reason.length() > 2000 ? reason.substring(0, 2000) : reason);
        message(r).term();
    }

    @Override
    public void release(Received r) {
        message(r).nak();
    }

    @Override
    public void touch(Received r) {
        message(r).inProgress();
    }

    @Override
    public void close() {
        // the consumer is durable: it stays for the group's other members and for the next start
    }
}
