package io.bulwark.messaging.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.ShutdownSignalException;
import io.bulwark.messaging.Broker;
import io.bulwark.messaging.MessagingException;
import io.bulwark.messaging.SubscribeOptions;
import io.bulwark.messaging.spi.DeliverySource;
import io.bulwark.messaging.spi.Received;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One consumer of a group's queue: a channel of its own with {@code basicQos(prefetch)} and a
 * manual-ack {@code basicConsume} whose deliveries the client's thread puts in a queue that
 * {@link #poll} drains.
 *
 * <p>Design notes. RabbitMQ pushes at most {@code prefetch} unacknowledged deliveries, and the
 * shared consumer fetches only what its prefetch has room for, so the local queue never holds more
 * than that. Channels are not safe for concurrent use, and handlers acknowledge from many threads:
 * every ack, nack and (re)subscription goes through {@link #lock}. The channel is a recovering
 * one: after the connection is lost and recovered, the client opens it again with its qos and
 * consumer, and RabbitMQ has put back every delivery that was unacknowledged. Deliveries fetched
 * before are void: the client drops an ack with an old delivery tag, and the broker redelivers
 * (at least once). What sat in the local queue is cleared when the channel goes down. A channel
 * closed by a channel error, or a consumer cancelled by RabbitMQ (its queue deleted), is replaced
 * by the next poll, which declares the queue again.
 *
 * <p>Acknowledgements. A busy consumer's go several to a {@code basic.ack} ({@link #ackBatch},
 * {@link #ackAll}): one with {@code multiple} covers every delivery of the channel up to its tag,
 * which {@link AckTags} allows only where all below are settled. One frame for several saves the
 * client a socket write per delivery and RabbitMQ a command per delivery: in the messaging
 * benchmark RabbitMQ's CPU per message consumed fell by about a fifth, which counts where the broker
 * and its consumers share a machine.
 *
 * <p>RabbitMQ pushes: when the consumer stops, deliveries may be in the local queue or still on
 * their way, which a stream's read would simply not have fetched. {@link #releaseUnpolled} cancels
 * the subscription, waits until nothing more is on its way, and gives those back, counted.
 */
final class RabbitMqSource implements DeliverySource {

    private static final Logger LOG = LoggerFactory.getLogger(RabbitMqSource.class);

    /** The broker's handle on a delivery: the channel it came on and that channel's tags, its tag, and what to publish again. */
    record Handle(Channel channel, AckTags tags, long tag, AMQP.BasicProperties properties, byte[] body) {
    }

    /** The most acknowledgements gathered into one {@code basic.ack}. */
    private static final int MOST_ACKS = 64;

    private final RabbitMqBroker broker;
    private final String topic;
    private final String group;
    private final String queue;
    private final SubscribeOptions options;
    private final LinkedBlockingQueue<Received> arrived = new LinkedBlockingQueue<>();
    private final ReentrantLock lock = new ReentrantLock();
    private volatile Channel channel;
    /** The tags of {@link #channel}'s deliveries, kept while consuming on it again after a cancel. */
    private AckTags tags;
    private volatile boolean consuming;
    private boolean resubscribing;
    private String tag;
    private volatile CountDownLatch cancelled = new CountDownLatch(0);
    private volatile boolean closed;

    private RabbitMqSource(RabbitMqBroker broker, String topic, String group, SubscribeOptions options) {
        this.broker = broker;
        this.topic = topic;
        this.group = group;
        this.queue = broker.topology().groupQueue(topic, group);
        this.options = options;
    }

    /** Declares the group and starts consuming its queue. */
    static RabbitMqSource open(RabbitMqBroker broker, String topic, String group, SubscribeOptions options) {
        RabbitMqSource s = new RabbitMqSource(broker, topic, group, options);
        try {
            s.subscribe();
        } catch (IOException | RuntimeException e) {
            s.close();
            throw new MessagingException("cannot consume " + s.queue + " on RabbitMQ at " + broker.display() + ": "
                    + e.getMessage(), e);
        }
        return s;
    }

    /**
     * The messages ready in the group's queue. AMQP does not tell how many are delivered but not
     * yet acknowledged (the management API does, and is not used), so those are not counted.
     */
    @Override
    public java.util.OptionalLong lag() throws Exception {
        return java.util.OptionalLong.of(broker.ready(queue));
    }

    /** Opens a channel when there is none or it died of a channel error, and consumes the queue on it. */
    private void subscribe() throws IOException {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            if (channel == null || !channel.isOpen() && !connectionLost(channel)) {
                if (channel != null) {
                    LOG.warn("The channel consuming {} on RabbitMQ at {} was closed ({}); a new one consumes it", queue,
                            broker.display(), channel.getCloseReason() == null ? "?" : channel.getCloseReason().getMessage());
                    channel.abort(); // so that the connection forgets it, and does not recover it
                }
                channel = broker.connection().createChannel();
                tags = new AckTags();
                channel.basicQos(options.prefetch());
                consuming = false;
            }
            if (!consuming && channel.isOpen()) {
                if (resubscribing) {
                    broker.topology().forget(topic); // the queue may be gone: declare it for real
                }
                broker.declare(topic, group);
                resubscribing = true;
                tag = channel.basicConsume(queue, false, new Callback(channel, tags));
                consuming = true;
            }
        } finally {
            lock.unlock();
        }
    }

    /** True when {@code ch} is down with its connection, which the client recovers by itself. */
    private static boolean connectionLost(Channel ch) {
        ShutdownSignalException reason = ch.getCloseReason();
        return reason == null || reason.isHardError();
    }

    @Override
    public List<Received> poll(int max, Duration wait) throws Exception {
        if (!consuming || !channel.isOpen()) {
            subscribe();
        }
        Received first = arrived.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
        if (first == null) {
            if (!channel.isOpen()) {
                throw new MessagingException("the connection to RabbitMQ at " + broker.display() + " is "
                        + AmqpConnections.down(broker.connection()));
            }
            return List.of();
        }
        List<Received> out = new ArrayList<>(Math.min(max, arrived.size() + 1));
        out.add(first);
        arrived.drainTo(out, max - 1);
        return out;
    }

    /**
     * The consumer stops and polls no more: cancels the subscription, waits for the cancel-ok
     * (RabbitMQ sends every delivery of a consumer before it, and the client runs the callbacks in
     * order, so nothing more is on its way then), and gives back what arrived unpolled.
     */
    @Override
    public int releaseUnpolled() throws Exception {
        CountDownLatch done = new CountDownLatch(1);
        lock.lock();
        try {
            if (!consuming || !channel.isOpen()) {
                return 0; // a closed channel already gave everything back
            }
            cancelled = done;
            consuming = false;
            channel.basicCancel(tag);
        } finally {
            lock.unlock();
        }
        if (!done.await(broker.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
            LOG.debug("No cancel-ok for the consumer of {} within {}; giving back what arrived", queue, broker.timeout());
        }
        List<Received> held = new ArrayList<>();
        arrived.drainTo(held);
        for (Received r : held) {
            release(r);
        }
        return held.size();
    }

    private Handle handle(Received r) {
        return (Handle) r.handle();
    }

    @Override
    public void ack(Received r) throws IOException {
        Handle h = handle(r);
        lock.lock();
        try {
            h.tags().settle(h.tag());
            h.channel().basicAck(h.tag(), false);
        } finally {
            lock.unlock();
        }
    }

    /**
     * A quarter of the prefetch (at most {@value #MOST_ACKS}): the consumer gathers that many
     * acknowledgements for {@link #ackAll}, which sends them as one. Unacknowledged deliveries
     * count against the channel's prefetch on RabbitMQ, so a batch much bigger would hold back
     * deliveries; with a prefetch under 8 there is no batch.
     */
    @Override
    public int ackBatch() {
        return Math.clamp(options.prefetch() / 4, 1, MOST_ACKS);
    }

    /**
     * Acknowledges {@code done} with as few {@code basic.ack}s as the channel allows: one with
     * {@code multiple} up to the highest tag below which every delivery of the channel is settled
     * ({@link AckTags}), and one for each delivery of {@code done} beyond it, whose handlers finished
     * before some with lower tags.
     */
    @Override
    public Map<Received, Exception> ackAll(List<Received> done) {
        Map<AckTags, List<Received>> byChannel = new IdentityHashMap<>(2);
        for (Received r : done) {
            byChannel.computeIfAbsent(handle(r).tags(), k -> new ArrayList<>(done.size())).add(r);
        }
        Map<Received, Exception> failed = Map.of();
        lock.lock();
        try {
            for (Map.Entry<AckTags, List<Received>> e : byChannel.entrySet()) {
                long[] sorted = e.getValue().stream().mapToLong(r -> handle(r).tag()).sorted().toArray();
                Channel ch = handle(e.getValue().getFirst()).channel();
                try {
                    long upTo = e.getKey().settle(sorted);
                    if (upTo > 0) {
                        ch.basicAck(upTo, true);
                    }
                    for (long t : sorted) {
                        if (t > upTo) {
                            ch.basicAck(t, false);
                        }
                    }
                } catch (IOException | RuntimeException x) {
                    // The channel is down: RabbitMQ gives back what it had not taken.
                    failed = failed.isEmpty() ? new HashMap<>() : failed;
                    for (Received r : e.getValue()) {
                        failed.put(r, x);
                    }
                }
            }
        } finally {
            lock.unlock();
        }
        return failed;
    }

    @Override
    public void release(Received r) throws IOException {
        Handle h = handle(r);
        lock.lock();
        try {
            h.tags().settle(h.tag());
            h.channel().basicNack(h.tag(), false, true);
        } finally {
            lock.unlock();
        }
    }

    /** Publishes the copy to the group's retry queue for {@code delay}, confirmed, then acknowledges the delivery. */
    @Override
    public void retry(Received r, Duration delay) throws Exception {
        Handle h = handle(r);
        broker.retry(topic, group, Messages.copy(h.properties(), r.delivery().deliveries(), Map.of()), h.body(), delay);
        ack(r);
    }

    /** Publishes the message to the topic's dead letters with the reason and the group, confirmed, then acknowledges it. */
    @Override
    public void deadLetter(Received r, String reason) throws Exception {
        Handle h = handle(r);
        broker.bury(topic, Messages.copy(h.properties(), r.delivery().deliveries(), Map.of(
                Broker.DEATH_HEADER, reason.length() > 2000 ? reason.substring(0, 2000) + "..." : reason,
                Messages.GROUP, group)), h.body());
        ack(r);
    }

    /** Nothing: RabbitMQ keeps an unacknowledged delivery with its consumer until the consumer's channel closes. */
    @Override
    public void touch(Received r) {
    }

    /** Closes the channel: what it still holds unacknowledged goes back to the queue. */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            arrived.clear();
            if (channel != null && channel.isOpen()) {
                channel.close();
            }
        } catch (IOException | java.util.concurrent.TimeoutException | RuntimeException e) {
            LOG.debug("Closing the channel consuming {}: {}", queue, e.toString());
        } finally {
            lock.unlock();
        }
    }

    /** Runs on the client's consumer thread. */
    private final class Callback extends DefaultConsumer {

        /** The tags of this channel's deliveries (a channel opened in its place numbers from 1 again, and has its own). */
        private final AckTags tags;

        Callback(Channel ch, AckTags tags) {
            super(ch);
            this.tags = tags;
        }

        @Override
        public void handleDelivery(String consumerTag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
            long tag = envelope.getDeliveryTag();
            if (tags.delivered(tag)) {
                lock.lock();
                try {
                    tags.resume(tag);
                } finally {
                    lock.unlock();
                }
            }
            arrived.add(new Received(Messages.delivery(topic, properties, body, envelope.isRedeliver()),
                    new Handle(getChannel(), tags, tag, properties, body)));
        }

        @Override
        public void handleCancelOk(String consumerTag) {
            cancelled.countDown();
        }

        @Override
        public void handleShutdownSignal(String consumerTag, ShutdownSignalException sig) {
            tags.reset();
            arrived.clear(); // RabbitMQ has put back all of them: their tags are void
        }

        @Override
        public void handleCancel(String consumerTag) {
            consuming = false;
            List<Received> dropped = new ArrayList<>();
            arrived.drainTo(dropped);
            lock.lock();
            try {
                dropped.forEach(r -> tags.settle(handle(r).tag())); // their queue is gone: they settle nothing more
            } finally {
                lock.unlock();
            }
            LOG.warn("RabbitMQ at {} cancelled the consumer of {} (was the queue deleted?); the next poll declares it and"
                    + " consumes again", broker.display(), queue);
        }
    }
}
