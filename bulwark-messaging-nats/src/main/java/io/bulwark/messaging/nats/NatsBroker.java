package io.bulwark.messaging.nats;

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
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.PublishOptions;
import io.nats.client.PullSubscribeOptions;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The messaging API on NATS JetStream (nats-server 2.9 or newer, JetStream enabled).
 *
 * <pre>{@code
 * try (Broker nats = NatsBroker.builder("nats://127.0.0.1:4222").build()) {
 *     nats.publish("orders", Outgoing.json(order).build());
 *     nats.subscribe("orders", "billing", d -> bill(d.json(Order.class)), SubscribeOptions.defaults());
 * }
 * }</pre>
 *
 * <h2>How the semantics map</h2>
 * <ul>
 *   <li>A topic is the subject {@code bulwark.<topic>} in a stream of its own (file storage,
 *       limits retention: at most {@code maxMessages} messages, at most {@code maxAge} old); a
 *       group is a durable pull consumer of that stream (explicit acks, delivering from the
 *       stream's start, so a new group reads what the stream retains). Stream and consumer names
 *       escape the topic and group ({@code _} becomes {@code __}, {@code .} becomes {@code _o}).</li>
 *   <li>Claims: the consumer's {@code AckWait} is the subscription's {@code claimAfter}; a live
 *       consumer renews with {@code +WPI} (in progress); after it, the server redelivers.</li>
 *   <li>Retries: natively, with {@code NAK} and a delay; the delivery count is the server's.</li>
 *   <li>Delays: emulated: a delayed message carries {@code bulwark-not-before}, and a consumer that
 *       receives it early gives it back with a NAK delayed to that time, without handing it to a
 *       handler. That early delivery is not counted in {@link Delivery#deliveries()}.</li>
 *   <li>Dead letters: the stream {@code <prefix>DEAD} (subjects {@code dead.bulwark.<topic>}),
 *       written before the message is terminated ({@code +TERM}), so a crash between the two gives
 *       a duplicate dead letter, never a lost one.</li>
 *   <li>Ordering: the stream's order, for one consumer with concurrency 1. Priorities: none.</li>
 * </ul>
 */
public final class NatsBroker implements Broker {

    /** The broker type as configured. */
    public static final String TYPE = "nats";

    /**
     * The message's id. It also goes as {@link #MSG_ID} (the server de-duplicates on it), but a
     * copy (a dead letter, a redrive) cannot carry that header, and nodes of an older version read
     * the id only from here: leaving it out would cost a fleet in a rolling upgrade its ids.
     */
    static final String ID = "bulwark-id";
    static final String KEY = "bulwark-key";
    static final String AT = "bulwark-at";
    static final String NOT_BEFORE = "bulwark-not-before";
    static final String GROUP = "bulwark-group";
    /** The server's de-duplication header: a copy (dead letter, redrive) must not carry it, or the server drops it as a duplicate. */
    static final String MSG_ID = "Nats-Msg-Id";

    private final Connection connection;
    private final JetStream js;
    private final JetStreamManagement jsm;
    private final String streamPrefix;
    private final String subjectPrefix;
    private final Duration maxAge;
    private final long maxMessages;
    private final Clock clock;
    private final Uuid7 ids;
    private final MessagingMetrics metrics;
    private final String display;
    private final Features features;
    private final QuietErrors errors = new QuietErrors();
    private final Map<String, Boolean> streams = new ConcurrentHashMap<>();
    private final List<Consumer> consumers = new CopyOnWriteArrayList<>();

    private NatsBroker(Builder b) {
        this.display = b.url.replaceAll("//[^@/]*@", "//***@");
        this.streamPrefix = b.streamPrefix;
        this.subjectPrefix = b.subjectPrefix;
        this.maxAge = b.maxAge;
        this.maxMessages = b.maxMessages;
        this.clock = b.clock();
        this.ids = new Uuid7(b.clock(), new SplittableRandom());
        this.metrics = new MessagingMetrics(b.meters(), b.connection());
        try {
            this.connection = Nats.connect(Options.builder().server(b.url).connectionName(b.clientName())
                    .maxReconnects(-1).reconnectWait(Duration.ofMillis(500)).connectionTimeout(b.connectTimeout)
                    .errorListener(errors).build());
            this.js = connection.jetStream();
            this.jsm = connection.jetStreamManagement();
            jsm.getAccountStatistics(); // fails at once when JetStream is not enabled
        } catch (IOException | JetStreamApiException e) {
            throw new MessagingException("cannot use JetStream at NATS " + display + ": " + e.getMessage()
                    + " (is the server started with JetStream, nats-server -js?)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MessagingException("interrupted while connecting to NATS " + display, e);
        }
        long payload = connection.getServerInfo().getMaxPayload();
        this.features = new Features(Features.Support.EMULATED, false, "the stream's order, for one consumer with concurrency 1",
                Features.Support.EMULATED, (int) Math.max(1024, payload - 4096));
    }

    /** A builder for the server at {@code url} ({@code nats://host:port}). */
    public static Builder builder(String url) {
        return new Builder(url);
    }

    /** Builds {@link NatsBroker}. */
    public static final class Builder extends BrokerBuilder<Builder> {
        private final String url;
        private String streamPrefix = "BULWARK_";
        private String subjectPrefix = "bulwark.";
        private Duration maxAge = Duration.ofDays(7);
        private long maxMessages = 1_000_000;
        private Duration connectTimeout = Duration.ofSeconds(5);

        private Builder(String url) {
            super("nats");
            this.url = Objects.requireNonNull(url, "url must be set");
            if (!url.startsWith("nats://") && !url.startsWith("tls://")) {
                throw new IllegalArgumentException("url must look like nats://host:4222 (or tls://) but was '"
                        + url.replaceAll("//[^@/]*@", "//***@") + "'");
            }
        }

        /** The prefix of stream names (default {@code BULWARK_}) and of subjects (default {@code bulwark.}). */
        public Builder prefixes(String streams, String subjects) {
            this.streamPrefix = Objects.requireNonNull(streams, "stream prefix must be set");
            this.subjectPrefix = Objects.requireNonNull(subjects, "subject prefix must be set");
            return this;
        }

        /** How long a stream keeps a message (default 7 days) and how many it keeps (default 1,000,000). */
        public Builder retention(Duration age, long messages) {
            if (age == null || age.compareTo(Duration.ofMinutes(1)) < 0) {
                throw new IllegalArgumentException("maxAge must be at least 1m but was " + age);
            }
            if (messages < 1000) {
                throw new IllegalArgumentException("maxMessages must be at least 1000 but was " + messages);
            }
            this.maxAge = age;
            this.maxMessages = messages;
            return this;
        }

        public Builder connectTimeout(Duration d) {
            this.connectTimeout = Objects.requireNonNull(d, "connectTimeout must be set");
            return this;
        }




        public NatsBroker build() {
            return new NatsBroker(this);
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

    /** {@code _} → {@code __}, {@code .} → {@code _o}: names NATS accepts, one per topic or group. */
    static String escape(String name) {
        return name.replace("_", "__").replace(".", "_o");
    }

    String stream(String topic) {
        return streamPrefix + escape(topic);
    }

    String subject(String topic) {
        return subjectPrefix + topic;
    }

    String deadStream() {
        return streamPrefix + "DEAD";
    }

    String deadSubject(String topic) {
        return "dead." + subjectPrefix + topic;
    }

    Connection connection() {
        return connection;
    }

    JetStream js() {
        return js;
    }

    JetStreamManagement jsm() {
        return jsm;
    }

    /** Whether the client dropped, instead of sending, the pull request answered on {@code reply}. */
    boolean droppedPull(String reply) {
        return errors.dropped(reply);
    }

    Clock clock() {
        return clock;
    }

    private static String requireTopic(String topic) {
        Names.require("topic", topic);
        if (topic.startsWith(".") || topic.endsWith(".") || topic.contains("..")) {
            throw new IllegalArgumentException("topic: on NATS a topic may not start or end with '.' or hold '..' but was '"
                    + topic + "'");
        }
        return topic;
    }

    /** Creates the topic's stream unless it exists. */
    void ensureStream(String topic) {
        streams.computeIfAbsent(topic, t -> {
            ensure(stream(t), subject(t));
            return true;
        });
    }

    private void ensureDeadStream() {
        streams.computeIfAbsent("\u0000dead", t -> {
            ensure(deadStream(), "dead." + subjectPrefix + ">");
            return true;
        });
    }

    private void ensure(String name, String subject) {
        try {
            jsm.getStreamInfo(name);
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() != 10059) { // stream not found
                throw new MessagingException("cannot read stream " + name + " at NATS " + display + ": " + e.getMessage(), e);
            }
            try {
                jsm.addStream(StreamConfiguration.builder().name(name).subjects(subject).storageType(StorageType.File)
                        .retentionPolicy(RetentionPolicy.Limits).maxAge(maxAge).maxMessages(maxMessages).build());
            } catch (JetStreamApiException raced) {
                if (raced.getApiErrorCode() != 10058) { // created meanwhile by another node
                    throw new MessagingException("cannot create stream " + name + " at NATS " + display + ": "
                            + raced.getMessage(), raced);
                }
            } catch (IOException io) {
                throw new MessagingException("cannot create stream " + name + " at NATS " + display + ": " + io.getMessage(), io);
            }
        } catch (IOException e) {
            throw new MessagingException("cannot read stream " + name + " at NATS " + display + ": " + e.getMessage(), e);
        }
    }

    /**
     * Creates the group's durable consumer with {@code ackWait}; an existing one keeps its settings
     * unless {@code update} and its ack wait differs (a subscription's {@code claimAfter}).
     */
    void ensureConsumer(String topic, String group, Duration ackWait, boolean update) {
        ensureStream(topic);
        try {
            try {
                Duration current = jsm.getConsumerInfo(stream(topic), escape(group)).getConsumerConfiguration().getAckWait();
                if (!update || current.equals(ackWait)) {
                    return; // an update would only churn the consumer its members are pulling from
                }
            } catch (JetStreamApiException e) {
                if (e.getApiErrorCode() != 10014) { // consumer not found: created below
                    throw e;
                }
            }
            jsm.addOrUpdateConsumer(stream(topic), ConsumerConfiguration.builder().durable(escape(group))
                    .ackPolicy(AckPolicy.Explicit).ackWait(ackWait).deliverPolicy(DeliverPolicy.All)
                    .filterSubject(subject(topic)).maxDeliver(-1).maxAckPending(-1).build());
        } catch (IOException | JetStreamApiException e) {
            throw new MessagingException("cannot create consumer group " + group + " on " + topic + " at NATS " + display
                    + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Published publish(String topic, Outgoing message) {
        return publishAll(topic, List.of(message)).getFirst();
    }

    @Override
    public List<Published> publishAll(String topic, List<Outgoing> messages) {
        requireTopic(topic);
        messages.forEach(m -> Broker.check(topic, m, features, TYPE));
        ensureStream(topic);
        List<Published> out = new ArrayList<>();
        // Every message is made first, then they go out back to back, so that jnats' writer finds
        // them queued together and writes them in few socket writes (as in the Redis broker).
        // Every message of the batch is sent before the first acknowledgement is awaited (one
        // connection keeps their order); each is then awaited in order.
        List<Published> sent = new ArrayList<>(messages.size());
        List<NatsMessage> made = new ArrayList<>(messages.size());
        Instant now = clock.instant();
        String subject = subject(topic);
        for (Outgoing m : messages) {
            String id = ids.next().toString();
            Headers h = new Headers();
            m.headers().forEach(h::put);
            h.put(ID, id);
            h.put(AT, Long.toString(now.toEpochMilli()));
            if (m.key() != null) {
                h.put(KEY, m.key());
            }
            if (!m.delay().isZero()) {
                h.put(NOT_BEFORE, Long.toString(now.plus(m.delay()).toEpochMilli()));
            }
            made.add(NatsMessage.builder().subject(subject).headers(h).data(m.body()).build());
            sent.add(new Published(id, topic, now.plus(m.delay())));
        }
        List<java.util.concurrent.CompletableFuture<io.nats.client.api.PublishAck>> acks = new ArrayList<>(messages.size());
        try {
            for (int i = 0; i < made.size(); i++) {
                acks.add(js.publishAsync(made.get(i), PublishOptions.builder().messageId(sent.get(i).id()).build()));
            }
            for (int i = 0; i < acks.size(); i++) {
                acks.get(i).get(publishTimeout().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
                out.add(sent.get(i));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failedPublish(topic, out, messages, e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException | RuntimeException e) {
            throw failedPublish(topic, out, messages, e instanceof java.util.concurrent.ExecutionException x
                    && x.getCause() != null ? x.getCause() : e);
        }
        metrics.published(topic, out.size());
        return out;
    }

    private MessagingException failedPublish(String topic, List<Published> out, List<Outgoing> messages, Throwable e) {
        return new MessagingException("could not publish to " + topic + " on NATS " + display + " (the first " + out.size()
                + " of " + messages.size() + " are published; later ones may be too): " + e.getMessage(), e);
    }

    /**
     * How long a publish waits for JetStream's acknowledgement: what a synchronous publish waits
     * (jnats takes the connection timeout when JetStream is given no timeout of its own).
     */
    private Duration publishTimeout() {
        return connection.getOptions().getConnectionTimeout();
    }

    @Override
    public void declare(String topic, String group) {
        requireTopic(topic);
        Names.require("group", group);
        ensureConsumer(topic, group, Duration.ofSeconds(30), false);
    }

    @Override
    public Subscription subscribe(String topic, String group, MessageHandler handler, SubscribeOptions options) {
        requireTopic(topic);
        Names.require("group", group);
        Objects.requireNonNull(handler, "handler must be set");
        ensureConsumer(topic, group, options.claimAfter(), true);
        Consumer c = Consumer.start(topic, group, new NatsSource(this, topic, group), handler, options, metrics);
        consumers.add(c);
        return c;
    }

    /** Keeps {@code d}'s message among the dead letters with {@code reason}. */
    void keepDead(String topic, String group, Message original, String reason) throws IOException, JetStreamApiException {
        ensureDeadStream();
        Headers h = new Headers();
        if (original.getHeaders() != null) {
            original.getHeaders().entrySet().stream().filter(e -> !e.getKey().equals(MSG_ID))
                    .forEach(e -> h.put(e.getKey(), e.getValue()));
            String msgId = original.getHeaders().getFirst(MSG_ID);
            if (!h.containsKey(ID) && msgId != null) {
                h.put(ID, msgId); // the copy keeps the id, in a header the server does not de-duplicate on
            }
        }
        h.put(DEATH_HEADER, reason);
        h.put(GROUP, group);
        js.publish(NatsMessage.builder().subject(deadSubject(topic)).headers(h).data(original.getData()).build());
    }

    @Override
    public List<Delivery> deadLetters(String topic, int max) {
        requireTopic(topic);
        List<Delivery> out = new ArrayList<>();
        for (Message m : readDead(topic, max)) {
            out.add(NatsSource.delivery(topic, m, 0));
        }
        return out;
    }

    @Override
    public int redrive(String topic, int max) {
        requireTopic(topic);
        int n = 0;
        try {
            for (Message m : readDead(topic, max)) {
                Headers h = new Headers();
                m.getHeaders().entrySet().stream()
                        .filter(e -> !e.getKey().equals(DEATH_HEADER) && !e.getKey().equals(GROUP) && !e.getKey().equals(MSG_ID))
                        .forEach(e -> h.put(e.getKey(), e.getValue()));
                ensureStream(topic);
                js.publish(NatsMessage.builder().subject(subject(topic)).headers(h).data(m.getData()).build());
                jsm.deleteMessage(deadStream(), m.metaData().streamSequence());
                n++;
            }
        } catch (IOException | JetStreamApiException e) {
            throw new MessagingException("could not redrive the dead letters of " + topic + " at NATS " + display + " ("
                    + n + " moved): " + e.getMessage(), e);
        }
        return n;
    }

    /** Up to {@code max} dead letters of {@code topic}, read with an ephemeral consumer that acknowledges nothing. */
    private List<Message> readDead(String topic, int max) {
        ensureDeadStream();
        List<Message> out = new ArrayList<>();
        try {
            JetStreamSubscription sub = js.subscribe(deadSubject(topic), PullSubscribeOptions.builder().stream(deadStream())
                    .configuration(ConsumerConfiguration.builder().ackPolicy(AckPolicy.None)
                            .deliverPolicy(DeliverPolicy.All).inactiveThreshold(Duration.ofSeconds(30)).build()).build());
            try {
                out.addAll(sub.fetch(max, Duration.ofMillis(300)));
            } finally {
                sub.unsubscribe();
            }
        } catch (IOException | JetStreamApiException e) {
            throw new MessagingException("could not read the dead letters of " + topic + " at NATS " + display + ": "
                    + e.getMessage(), e);
        }
        return out;
    }

    @Override
    public boolean isHealthy() {
        return connection.getStatus() == Connection.Status.CONNECTED;
    }

    /** For tests: ends as a killed process would, its connection gone, nothing released or acknowledged. */
    void abandon() {
        try {
            connection.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        consumers.forEach(Consumer::close);
        try {
            connection.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
