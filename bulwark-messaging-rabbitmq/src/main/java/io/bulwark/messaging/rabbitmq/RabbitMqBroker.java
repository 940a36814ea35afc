package io.bulwark.messaging.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.impl.recovery.AutorecoveringConnection;
import io.bulwark.core.ids.Uuid7;
import io.bulwark.messaging.Broker;
import io.bulwark.messaging.Delivery;
import io.bulwark.messaging.Features;
import io.bulwark.messaging.MessageHandler;
import io.bulwark.messaging.MessagingException;
import io.bulwark.messaging.Names;
import io.bulwark.messaging.Outgoing;
import io.bulwark.messaging.Published;
import io.bulwark.messaging.SubscribeOptions;
import io.bulwark.messaging.Subscription;
import io.bulwark.messaging.spi.BrokerBuilder;
import io.bulwark.messaging.spi.Consumer;
import io.bulwark.messaging.spi.MessagingMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The messaging API on RabbitMQ (AMQP 0-9-1; tested on 3.10), over the official Java client.
 *
 * <pre>{@code
 * try (Broker rabbit = RabbitMqBroker.builder("amqp://guest:guest@127.0.0.1:5672/").build()) {
 *     rabbit.publish("orders", Outgoing.json(order).key(order.customer()).build());
 *     rabbit.subscribe("orders", "billing", d -> bill(d.json(Order.class)), SubscribeOptions.defaults());
 * }
 * }</pre>
 *
 * <h2>How the semantics map</h2>
 * <ul>
 *   <li>A topic is the durable fanout exchange {@code bulwark.<topic>}; a group is the durable
 *       queue {@code bulwark.<topic>:<group>} bound to it, a quorum queue (replicated), or a
 *       classic queue with {@code x-max-priority 9} when the builder asks for
 *       {@linkplain Builder#priorities priorities}. A group gets what is published after its queue
 *       exists ({@link #declare}, or its first subscription).</li>
 *   <li>Publishing waits for the publisher confirm: a nack, or none within the timeout, fails.
 *       Messages are persistent; the id is a UUIDv7 ({@code message-id}).</li>
 *   <li>Delivery: {@code basicConsume} with manual acks and {@code basicQos(prefetch)}, a channel
 *       per subscription. A delivery whose consumer went away (its connection or channel closed)
 *       goes back to the queue at once, with its {@code deliveries} one higher: {@code claimAfter}
 *       does not apply, and a live consumer keeps what it handles however long it takes.</li>
 *   <li>Delays and retries are emulated with TTL queues that dead-letter: a message delayed
 *       {@code d} waits in {@code bulwark.<topic>.delay.<d ms>} and then goes to the topic's
 *       exchange; a failed delivery is acknowledged after its copy was confirmed in
 *       {@code bulwark.<topic>:<group>:retry:<d ms>}, which then hands it to the group's queue only.
 *       Delays are rounded up to two significant figures of milliseconds: never early, at most 10% late.</li>
 *   <li>Dead letters: the classic queue {@code bulwark.<topic>.dead}, with the reason and the
 *       group in headers; the message is acknowledged once its dead letter is confirmed.</li>
 *   <li>Ordering: the queue's, for one consumer with concurrency 1. A retried message goes to the
 *       back. Priorities: on classic queues, when the builder asks for them; else refused.</li>
 * </ul>
 */
public final class RabbitMqBroker implements Broker {

    /** The broker type as configured. */
    public static final String TYPE = "rabbitmq";
    /** The largest message (body and headers): RabbitMQ takes up to 128 MiB, but big messages slow every queue they are in. */
    public static final int MAX_MESSAGE_BYTES = 16 << 20;
    private static final String ORDERING = "per queue, for one consumer with concurrency 1";

    private final AmqpUri uri;
    private final String name;
    private final AutorecoveringConnection connection;
    private final Publisher publisher;
    private final Topology topology;
    private final DeadLetters deadLetters;
    private final Features features;
    private final Clock clock;
    private final Uuid7 ids;
    private final MessagingMetrics metrics;
    private final List<Consumer> consumers = new CopyOnWriteArrayList<>();
    private final AtomicReference<Socket> socket = new AtomicReference<>();
    private final Duration timeout;
    private volatile boolean closed;

    private RabbitMqBroker(Builder b) {
        this.uri = AmqpUri.parse(b.uri);
        this.name = b.clientName();
        this.timeout = b.timeout;
        this.clock = b.clock();
        this.ids = new Uuid7(b.clock(), new SplittableRandom());
        this.metrics = new MessagingMetrics(b.meters(), b.connection());
        this.topology = new Topology(b.prefix, b.priorities, b.clock());
        this.features = new Features(Features.Support.EMULATED, b.priorities, ORDERING, Features.Support.EMULATED,
                MAX_MESSAGE_BYTES);
        this.connection = AmqpConnections.open(uri, name, b.timeout, b.recoveryInterval, b.heartbeat, socket::set);
        this.publisher = new Publisher(connection, b.publishChannels, b.timeout, uri.toString());
        this.deadLetters = new DeadLetters(topology, publisher, this::ownChannel);
    }

    /** A builder for the broker at {@code uri}: {@code amqp://user:password@host:port/vhost} (or {@code amqps://}). */
    public static Builder builder(String uri) {
        return new Builder(uri);
    }

    /** Builds {@link RabbitMqBroker}; each setter checks its value at once. */
    public static final class Builder extends BrokerBuilder<Builder> {
        private final String uri;
        private String prefix = "bulwark.";
        private boolean priorities;
        private Duration timeout = Duration.ofSeconds(10);
        private Duration recoveryInterval = Duration.ofSeconds(2);
        private Duration heartbeat = Duration.ofSeconds(10);
        private int publishChannels = 8;

        private Builder(String uri) {
            super("rabbitmq");
            this.uri = Objects.requireNonNull(uri, "uri must be set");
            AmqpUri.parse(uri); // fails here, naming the problem, rather than at build()
        }

        /** The prefix of every exchange and queue name (default {@code bulwark.}): 1-32 letters, digits, '.', '_' or '-'. */
        public Builder prefix(String p) {
            if (p == null || !p.matches("[A-Za-z0-9._-]{1,32}") || p.startsWith("amq.")) {
                throw new IllegalArgumentException("prefix must be 1-32 letters, digits, '.', '_' or '-', not starting with"
                        + " 'amq.', but was " + (p == null ? "missing" : "'" + p + "'"));
            }
            this.prefix = p;
            return this;
        }

        /**
         * Message priorities 0-9 (default off). On, groups are classic queues with
         * {@code x-max-priority 9}, which are not replicated; off, they are quorum queues, which
         * have no priorities on RabbitMQ 3.x, and a message with a priority is refused. A queue
         * keeps its kind: turning this on for groups that exist fails, naming the queue.
         */
        public Builder priorities(boolean on) {
            this.priorities = on;
            return this;
        }


        /** How long to wait for the broker: to connect, for a confirm, for any answer (default 10 s). */
        public Builder timeout(Duration d) {
            if (d == null || d.compareTo(Duration.ofMillis(100)) < 0) {
                throw new IllegalArgumentException("timeout must be at least 100ms but was " + d);
            }
            this.timeout = d;
            return this;
        }

        /** How long after losing its connection the client tries again, and between tries (default 2 s). */
        public Builder recoveryInterval(Duration d) {
            if (d == null || d.compareTo(Duration.ofMillis(10)) < 0) {
                throw new IllegalArgumentException("recoveryInterval must be at least 10ms but was " + d);
            }
            this.recoveryInterval = d;
            return this;
        }

        /** The AMQP heartbeat: a silent connection is taken as dead after about two of them (default 10 s). */
        public Builder heartbeat(Duration d) {
            if (d == null || d.toSeconds() < 1 || d.toSeconds() > 600) {
                throw new IllegalArgumentException("heartbeat must be from 1s to 600s but was " + d);
            }
            this.heartbeat = d;
            return this;
        }

        /** How many channels publish at once, each waiting for its own confirms (default 8). */
        public Builder publishChannels(int n) {
            if (n < 1 || n > 256) {
                throw new IllegalArgumentException("publishChannels must be from 1 to 256 but was " + n);
            }
            this.publishChannels = n;
            return this;
        }



        /** Connects. */
        public RabbitMqBroker build() {
            return new RabbitMqBroker(this);
        }
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public Features features() {
        return features;
    }

    Topology topology() {
        return topology;
    }

    AutorecoveringConnection connection() {
        return connection;
    }

    String display() {
        return uri.toString();
    }

    Duration timeout() {
        return timeout;
    }

    @Override
    public Published publish(String topic, Outgoing message) {
        return publishAll(topic, List.of(message)).getFirst();
    }

    @Override
    public List<Published> publishAll(String topic, List<Outgoing> messages) {
        Objects.requireNonNull(messages, "messages must be set");
        messages.forEach(m -> check(topic, m));
        requireOpen();
        if (messages.isEmpty()) {
            return List.of();
        }
        Instant now = clock.instant();
        Messages.Stamp stamp = new Messages.Stamp(now);
        List<Published> out = new ArrayList<>(messages.size());
        long[] delays = new long[messages.size()];
        List<AMQP.BasicProperties> properties = new ArrayList<>(messages.size());
        TreeSet<Long> distinct = new TreeSet<>();
        for (int i = 0; i < messages.size(); i++) {
            Outgoing m = messages.get(i);
            String id = ids.next().toString();
            long ms = Delays.roundUp(m.delay());
            properties.add(Messages.properties(id, stamp, m));
            delays[i] = ms;
            if (ms > 0) {
                distinct.add(ms);
            }
            out.add(new Published(id, topic, now.plusMillis(ms)));
        }
        try {
            publisher.run(ch -> {
                topology.declareTopic(ch, topic);
                for (long ms : distinct) {
                    topology.declareDelay(ch, topic, ms);
                }
                String exchange = topology.exchange(topic);
                for (int i = 0; i < messages.size(); i++) {
                    Outgoing m = messages.get(i);
                    long ms = delays[i];
                    if (ms == 0) {
                        ch.basicPublish(exchange, routingKey(m.key()), properties.get(i), m.body());
                    } else {
                        ch.basicPublish("", topology.delayQueue(topic, ms), properties.get(i), m.body());
                    }
                }
                publisher.confirm(ch, messages.size());
                return null;
            });
        } catch (Exception e) {
            topology.forget(topic);
            throw failure("could not publish " + (messages.size() == 1 ? "a message" : messages.size() + " messages")
                    + " to " + topic + (messages.size() == 1 ? "" : " (none is confirmed; some may have been taken, and"
                    + " publishing again may duplicate them)"), e);
        }
        metrics.published(topic, out.size());
        return out;
    }

    /** The key as routing key, where it fits an AMQP short string; the fanout exchange does not read it. */
    private static String routingKey(String key) {
        return key == null || key.getBytes(StandardCharsets.UTF_8).length > 255 ? "" : key;
    }

    /** The shared checks, then RabbitMQ's own: reserved header names, and headers that fit one AMQP frame. */
    private void check(String topic, Outgoing m) {
        Broker.check(topic, m, features, TYPE);
        for (String h : m.headers().keySet()) {
            if (Messages.reserved(h)) {
                throw new IllegalArgumentException("headers: '" + h + "' is reserved on rabbitmq (names starting with "
                        + Messages.OURS + " carry Bulwark's own fields, and RabbitMQ sets " + Messages.BROKERS + ")");
            }
        }
        int frame = connection.getFrameMax();
        int most = frame == 0 ? Integer.MAX_VALUE : frame - 8192;
        int bytes = Messages.headerBytes(m);
        if (bytes > most) {
            throw new IllegalArgumentException("headers: a message on rabbitmq may carry about " + most + " bytes of headers"
                    + " and key (one AMQP frame of " + frame + ", less room for a retry's and a dead letter's) but this one"
                    + " has about " + bytes);
        }
    }

    @Override
    public void declare(String topic, String group) {
        Names.require("topic", topic);
        Names.require("group", group);
        topology.requireFits(topic, group);
        requireOpen();
        try {
            publisher.run(ch -> {
                topology.declareGroup(ch, topic, group);
                return null;
            });
        } catch (Exception e) {
            topology.forget(topic);
            throw failure("cannot declare the group " + group + " of " + topic, e);
        }
    }

    @Override
    public Subscription subscribe(String topic, String group, MessageHandler handler, SubscribeOptions options) {
        Names.require("topic", topic);
        Names.require("group", group);
        topology.requireFits(topic, group);
        Objects.requireNonNull(handler, "handler must be set");
        Objects.requireNonNull(options, "options must be set");
        requireOpen();
        RabbitMqSource source = RabbitMqSource.open(this, topic, group, options);
        Consumer c = Consumer.start(topic, group, source, handler, options, metrics);
        consumers.add(c);
        return c;
    }

    /** Publishes a delivery's copy to the group's retry queue for {@code delay} (to the group's queue when zero), confirmed. */
    void retry(String topic, String group, AMQP.BasicProperties copy, byte[] body, Duration delay) {
        long ms = Math.min(Delays.roundUp(delay), Topology.MAX_DELAY_MS);
        try {
            publisher.run(ch -> {
                if (ms == 0) {
                    ch.basicPublish("", topology.groupQueue(topic, group), copy, body);
                } else {
                    topology.declareRetry(ch, topic, group, ms);
                    ch.basicPublish("", topology.retryQueue(topic, group, ms), copy, body);
                }
                publisher.confirm(ch, 1);
                return null;
            });
        } catch (Exception e) {
            throw failure("could not schedule the retry of message " + copy.getMessageId() + " of " + topic + " (group "
                    + group + ") after " + ms + " ms", e);
        }
    }

    /** Publishes a message to the topic's dead letters, confirmed. */
    void bury(String topic, AMQP.BasicProperties copy, byte[] body) {
        try {
            deadLetters.bury(topic, copy, body);
        } catch (Exception e) {
            throw failure("could not add message " + copy.getMessageId() + " of " + topic + " to its dead letters", e);
        }
    }

    /**
     * Reads up to {@code max} dead letters without removing them: gets them unacknowledged on a
     * channel of its own, then gives them back. While it reads (an instant), another reader or a
     * {@link #redrive} does not see them.
     */
    @Override
    public List<Delivery> deadLetters(String topic, int max) {
        Names.require("topic", topic);
        requireMax(max);
        requireOpen();
        if (max == 0) {
            return List.of();
        }
        try {
            return deadLetters.read(topic, max);
        } catch (Exception e) {
            throw failure("could not read the dead letters of " + topic, e);
        }
    }

    /**
     * Moves up to {@code max} dead letters back to the queue of the group each died in, as first
     * deliveries with their ids; each batch of up to 100 is confirmed before its dead letters are
     * acknowledged, so a failure part-way may duplicate a batch but loses nothing.
     */
    @Override
    public int redrive(String topic, int max) {
        Names.require("topic", topic);
        requireMax(max);
        requireOpen();
        AtomicInteger moved = new AtomicInteger();
        try {
            deadLetters.redrive(topic, max, moved);
        } catch (Exception e) {
            throw failure("could not redrive the dead letters of " + topic + " (" + moved.get() + " moved)", e);
        }
        return moved.get();
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("the broker " + name + " (RabbitMQ at " + uri + ") is closed");
        }
    }

    private static void requireMax(int max) {
        if (max < 0) {
            throw new IllegalArgumentException("max must be >= 0 but was " + max);
        }
    }

    /** The messages ready in {@code queue} (a passive declare: AMQP does not tell the delivered but unacknowledged). */
    long ready(String queue) throws IOException, java.util.concurrent.TimeoutException {
        Channel ch = ownChannel();
        try {
            return ch.queueDeclarePassive(queue).getMessageCount();
        } finally {
            if (ch.isOpen()) {
                ch.close();
            }
        }
    }

    /** A plain channel on the current connection, for one operation (not recorded for recovery). */
    private Channel ownChannel() throws IOException {
        com.rabbitmq.client.Connection current = connection.getDelegate();
        if (current == null || !current.isOpen()) {
            throw new MessagingException("the connection to RabbitMQ at " + uri + " is " + AmqpConnections.down(connection));
        }
        return current.createChannel();
    }

    private MessagingException failure(String what, Exception e) {
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
        }
        if (e instanceof MessagingException m && m.getMessage().contains(uri.toString())) {
            return new MessagingException(what + ": " + m.getMessage(), m);
        }
        return new MessagingException(what + " on RabbitMQ at " + uri + " (connection " + name + "): " + describe(e), e);
    }

    private static String describe(Throwable e) {
        Throwable cause = e.getCause() != null && e.getMessage() == null ? e.getCause() : e;
        return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    }

    /** True when the connection is open and RabbitMQ answers a passive declaration now. */
    @Override
    public boolean isHealthy() {
        if (closed || !connection.isOpen()) {
            return false;
        }
        try {
            return publisher.run(ch -> {
                ch.exchangeDeclarePassive("amq.fanout");
                return true;
            });
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return false;
        }
    }

    /** For tests: ends as a killed process would, the connection aborted, nothing released or acknowledged. */
    void abandon() {
        connection.abort();
    }

    /**
     * For tests: closes the connection's socket under it, as a network failure would; RabbitMQ puts
     * back what it had delivered, and the client recovers the connection.
     */
    void dropSocket() throws IOException {
        Socket s = socket.get();
        if (s != null) {
            s.close();
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        consumers.forEach(Consumer::close);
        publisher.close();
        try {
            connection.close();
        } catch (IOException | RuntimeException e) {
            connection.abort();
        }
    }
}
