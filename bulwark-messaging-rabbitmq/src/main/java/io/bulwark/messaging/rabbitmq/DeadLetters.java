package io.bulwark.messaging.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import io.bulwark.messaging.Delivery;
import io.bulwark.messaging.Names;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A topic's dead letters, in the classic queue {@code bulwark.<topic>.dead}: each with the reason
 * ({@code bulwark-death}), the group it died in ({@code x-bulwark-group}) and its deliveries.
 *
 * <p>RabbitMQ has no way to read a queue without taking what it reads, so {@link #read} gets the
 * messages unacknowledged on a channel of its own and gives them back (a classic queue puts them
 * back in their places); while it reads, another reader or a {@link #redrive} does not see them.
 */
final class DeadLetters {

    /** Opens a plain channel for one operation. */
    interface Channels {
        Channel open() throws IOException;
    }

    private static final int BATCH = 100;

    private final Topology topology;
    private final Publisher publisher;
    private final Channels channels;

    DeadLetters(Topology topology, Publisher publisher, Channels channels) {
        this.topology = topology;
        this.publisher = publisher;
        this.channels = channels;
    }

    /** Adds a message to the topic's dead letters, confirmed. */
    void bury(String topic, AMQP.BasicProperties copy, byte[] body) throws Exception {
        publisher.run(ch -> {
            topology.declareDead(ch, topic);
            ch.basicPublish("", topology.deadQueue(topic), copy, body);
            publisher.confirm(ch, 1);
            return null;
        });
    }

    /** Up to {@code max} dead letters, oldest first, left in place. */
    List<Delivery> read(String topic, int max) throws Exception {
        declare(topic);
        List<Delivery> out = new ArrayList<>();
        Channel ch = channels.open();
        try {
            long last = 0;
            for (GetResponse g; out.size() < max && (g = ch.basicGet(topology.deadQueue(topic), false)) != null; ) {
                out.add(Messages.deadLetter(topic, g.getProps(), g.getBody()));
                last = g.getEnvelope().getDeliveryTag();
            }
            if (last > 0) {
                ch.basicNack(last, true, true);
            }
        } finally {
            ch.close(); // waits for RabbitMQ's answer: the dead letters are back before this returns
        }
        return out;
    }

    /**
     * Moves up to {@code max} dead letters back to the queue of the group each died in (to the
     * topic's exchange, so every group, when one names none), as first deliveries with their ids,
     * counting them in {@code moved}. In batches: a batch is confirmed before its dead letters are
     * acknowledged, so a failure part-way may duplicate a batch but loses nothing.
     */
    void redrive(String topic, int max, AtomicInteger moved) throws Exception {
        declare(topic);
        Channel get = channels.open();
        try {
            while (moved.get() < max) {
                List<GetResponse> batch = new ArrayList<>();
                for (GetResponse g; batch.size() < Math.min(BATCH, max - moved.get())
                        && (g = get.basicGet(topology.deadQueue(topic), false)) != null; ) {
                    batch.add(g);
                }
                if (batch.isEmpty()) {
                    return;
                }
                publisher.run(ch -> {
                    for (GetResponse g : batch) {
                        String group = Messages.group(g.getProps());
                        AMQP.BasicProperties copy = Messages.copy(g.getProps(), 0, Map.of());
                        if (group != null && Names.TOPIC.matcher(group).matches()) {
                            topology.declareGroup(ch, topic, group);
                            ch.basicPublish("", topology.groupQueue(topic, group), copy, g.getBody());
                        } else {
                            topology.declareTopic(ch, topic);
                            ch.basicPublish(topology.exchange(topic), "", copy, g.getBody());
                        }
                    }
                    publisher.confirm(ch, batch.size());
                    return null;
                });
                get.basicAck(batch.getLast().getEnvelope().getDeliveryTag(), true);
                moved.addAndGet(batch.size());
            }
        } finally {
            get.close(); // what is still unacknowledged goes back
        }
    }

    private void declare(String topic) throws Exception {
        publisher.run(ch -> {
            topology.declareDead(ch, topic);
            return null;
        });
    }
}
