package io.bulwark.messaging.kafka;

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
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The messaging API on Apache Kafka (2.4 or newer; tested on 4.4), over kafka-clients.
 *
 * <pre>{@code
 * try (Broker kafka = KafkaBroker.builder("kafka://kafka-1:9092,kafka-2:9092").partitions(12).build()) {
 *     kafka.publish("orders", Outgoing.json(order).key(order.customer()).build());
 *     kafka.subscribe("orders", "billing", d -> bill(d.json(Order.class)), SubscribeOptions.defaults());
 * }
 * }</pre>
 *
 * <h2>How the semantics map</h2>
 * <ul>
 *   <li>A topic is the Kafka topic {@code bulwark.<topic>} (prefix configurable), created when
 *       first used with {@linkplain Builder#partitions partitions} (default 6) and the cluster's
 *       replication factor; a group is the consumer group {@code bulwark.<topic>:<group>}. A new
 *       group reads from the oldest message the topic retains.</li>
 *   <li>Publishing waits for every in-sync replica ({@code acks=all}, idempotent producer). The
 *       key is the record's key, so a key's messages share a partition and keep their order.</li>
 *   <li>Delivery: each member runs a Kafka consumer in the group (cooperative rebalancing).
 *       Offsets are committed after handling, and never past a message not finished: a
 *       partition's committed offset is its lowest unfinished one, and what is finished beyond it
 *       rides in the commit's metadata ({@link Progress}). A member that dies keeps its
 *       partitions until its session times out ({@code claimAfter}, within the cluster's
 *       {@code group.min/max.session.timeout.ms}); then another member reads on from the committed
 *       offset, and a message the dead member was handling comes with its {@code deliveries} one
 *       higher (counts are committed before a handler gets a message). A live member keeps its
 *       partitions however long a handler takes.</li>
 *   <li>Retries: the message's copy goes to the group's retry topic
 *       {@code bulwark.<topic>.retry.<group>} with its delivery count and the time it is due; the
 *       delivery is then finished. Delays: a delayed message goes to {@code bulwark.<topic>.delay}
 *       with the time it is due. Members read both and hold what is not due yet in memory, reading
 *       on meanwhile (so a long delay holds up nothing).</li>
 *   <li>Dead letters: the one-partition topic {@code bulwark.<topic>.dead}, with the reason and
 *       the group in headers; a redrive sends them to their group's retry topic, due at once, and
 *       deletes them from the dead-letter topic.</li>
 *   <li>Ordering: per key, for one consumer with concurrency 1. Priorities: none (refused).</li>
 * </ul>
 */
public final class KafkaBroker implements Broker {

    /** The broker type as configured. */
    public static final String TYPE = "kafka";
    /** The largest message (body, key and headers). */
    public static final int MAX_MESSAGE_BYTES = 1 << 20;
    private static final Logger LOG = LoggerFactory.getLogger(KafkaBroker.class);
    private static final String ORDERING = "per key (a key's messages share a partition), for one consumer with concurrency 1;"
            + " messages without a key only as far as the producer puts them in one partition";
    private static final Features FEATURES = new Features(Features.Support.EMULATED, false, ORDERING,
            Features.Support.EMULATED, MAX_MESSAGE_BYTES);
    /** Numbers the brokers of this JVM, so that their clients' ids (and so their JMX names) differ. */
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private final KafkaUrl url;
    private final String name;
    private final String clientId;
    private final ClientConfigs configs;
    private final Admin admin;
    private final KafkaProducer<byte[], byte[]> producer;
    private final Topics topics;
    private final DeadLetters deadLetters;
    private final Sessions sessions;
    private final Duration timeout;
    private final Duration maxDelay;
    private final Clock clock;
    private final Uuid7 ids;
    private final MessagingMetrics metrics;
    private final AtomicInteger members = new AtomicInteger();
    private final List<Consumer> consumers = new CopyOnWriteArrayList<>();
    private final List<KafkaSource> sources = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    private KafkaBroker(Builder b) {
        this.url = b.url;
        this.name = b.clientName();
        this.clientId = b.clientName() + "-" + INSTANCES.incrementAndGet();
        this.timeout = b.timeout;
        this.maxDelay = b.maxDelay;
        this.clock = b.clock();
        this.ids = new Uuid7(b.clock(), new SplittableRandom());
        this.metrics = new MessagingMetrics(b.meters(), b.connection());
        this.configs = new ClientConfigs(url, b.saslMechanism, b.clientProperties, b.timeout);
        this.admin = clientOf(() -> Admin.create(configs.admin(clientId + "-admin")));
        try {
            admin.describeCluster().clusterId().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            admin.close(Duration.ZERO);
            throw new MessagingException("cannot connect to Kafka at " + url + " (connection " + name + "): "
                    + describe(e), e);
        }
        try {
            this.producer = clientOf(() -> new KafkaProducer<>(configs.producer(clientId), new ByteArraySerializer(),
                    new ByteArraySerializer()));
        } catch (RuntimeException e) {
            admin.close(Duration.ZERO);
            throw e;
        }
        this.topics = new Topics(admin, b.prefix, b.partitions, b.replicationFactor, b.maxDelay, b.deadRetention, timeout);
        this.deadLetters = new DeadLetters(admin, topics, () -> configs.reader(clientId + "-dead"), timeout);
        this.sessions = new Sessions(admin, timeout);
    }

    /** A builder for the cluster at {@code url}: {@code kafka://host:9092[,host2:9092]} (or {@code kafkas://} for TLS). */
    public static Builder builder(String url) {
        return new Builder(url);
    }

    /** Builds {@link KafkaBroker}; each setter checks its value at once. */
    public static final class Builder extends BrokerBuilder<Builder> {
        private final KafkaUrl url;
        private String prefix = "bulwark.";
        private int partitions = 6;
        private Optional<Short> replicationFactor = Optional.empty();
        private Duration timeout = Duration.ofSeconds(10);
        private Duration maxDelay = Duration.ofDays(7);
        private Duration deadRetention = Duration.ofDays(30);
        private String saslMechanism = "PLAIN";
        private final Map<String, String> clientProperties = new HashMap<>();

        private Builder(String url) {
            super("kafka");
            this.url = KafkaUrl.parse(url); // fails here, naming the problem, rather than at build()
        }

        /**
         * The prefix of every Kafka topic and consumer group name (default {@code bulwark.}): 0-32
         * letters, digits, '.', '_' or '-'. With an empty prefix a topic without '.' or '_' is the
         * Kafka topic of its own name, as other Kafka clients know it.
         */
        public Builder prefix(String p) {
            if (p == null || !p.matches("[A-Za-z0-9._-]{0,32}")) {
                throw new IllegalArgumentException("prefix must be 0-32 letters, digits, '.', '_' or '-' but was "
                        + (p == null ? "missing" : "'" + p + "'"));
            }
            this.prefix = p;
            return this;
        }

        /**
         * Partitions of the topics Bulwark creates (default 6): a group has at most this many
         * members busy at once. A key's messages share a partition and keep their order; messages
         * without a key fill a partition a producer batch (16 KiB) at a time, so they keep their
         * order only within such a run, or always with one partition. A topic that exists keeps
         * its partitions.
         */
        public Builder partitions(int n) {
            if (n < 1 || n > 10_000) {
                throw new IllegalArgumentException("partitions must be from 1 to 10000 but was " + n);
            }
            this.partitions = n;
            return this;
        }

        /** Replicas of the topics Bulwark creates (default: the cluster's {@code default.replication.factor}). */
        public Builder replicationFactor(int n) {
            if (n < 1 || n > 32) {
                throw new IllegalArgumentException("replicationFactor must be from 1 to 32 but was " + n);
            }
            this.replicationFactor = Optional.of((short) n);
            return this;
        }

        /** How long to wait for Kafka: to connect, for a publish to be acknowledged, for any answer (default 10 s). */
        public Builder timeout(Duration d) {
            if (d == null || d.compareTo(Duration.ofMillis(100)) < 0) {
                throw new IllegalArgumentException("timeout must be at least 100ms but was " + d);
            }
            this.timeout = d;
            return this;
        }

        /**
         * The longest delay a message may have (default 7 days; at most 365). The delay and retry
         * topics keep their records a day longer than this, so it bounds what they hold; a retry's
         * backoff is cut to it.
         */
        public Builder maxDelay(Duration d) {
            if (d == null || d.compareTo(Duration.ofMinutes(1)) < 0 || d.compareTo(Duration.ofDays(365)) > 0) {
                throw new IllegalArgumentException("maxDelay must be from 1m to 365d but was " + d);
            }
            this.maxDelay = d;
            return this;
        }

        /** How long the dead-letter topics Bulwark creates keep a dead letter not redriven (default 30 days). */
        public Builder deadRetention(Duration d) {
            if (d == null || d.compareTo(Duration.ofHours(1)) < 0) {
                throw new IllegalArgumentException("deadRetention must be at least 1h but was " + d);
            }
            this.deadRetention = d;
            return this;
        }

        /** The SASL mechanism for a URL with a user: PLAIN (default), SCRAM-SHA-256 or SCRAM-SHA-512. */
        public Builder saslMechanism(String m) {
            if (m == null || !ClientConfigs.MECHANISMS.contains(m)) {
                throw new IllegalArgumentException("saslMechanism must be one of " + new TreeSet<>(ClientConfigs.MECHANISMS)
                        + " but was " + (m == null ? "missing" : "'" + m + "'"));
            }
            this.saslMechanism = m;
            return this;
        }

        /**
         * A kafka-clients property for every client of the broker (TLS trust and key stores, SASL
         * callbacks, {@code compression.type}, ...). Those Bulwark's semantics rest on (bootstrap
         * servers, group, commits, acks, serializers, ...) are refused, naming the property.
         */
        public Builder clientProperty(String key, String value) {
            Objects.requireNonNull(key, "client property name must be set");
            Objects.requireNonNull(value, "client property " + key + " must have a value");
            if (ClientConfigs.OWNED.contains(key)) {
                throw new IllegalArgumentException(key + " is set by Bulwark on kafka and may not be changed");
            }
            clientProperties.put(key, value);
            return this;
        }

        /** Connects; fails with a {@link MessagingException} when the cluster does not answer within the timeout. */
        public KafkaBroker build() {
            return new KafkaBroker(this);
        }
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public Features features() {
        return FEATURES;
    }

    Topics topics() {
        return topics;
    }

    Admin admin() {
        return admin;
    }

    Duration timeout() {
        return timeout;
    }

    Duration maxDelay() {
        return maxDelay;
    }

    Clock clock() {
        return clock;
    }

    String display() {
        return url.toString();
    }

    @Override
    public Published publish(String topic, Outgoing message) {
        return publishAll(topic, List.of(message)).getFirst();
    }

    @Override
    public List<Published> publishAll(String topic, List<Outgoing> messages) {
        Names.require("topic", topic);
        Objects.requireNonNull(messages, "messages must be set");
        messages.forEach(m -> check(topic, m));
        requireOpen();
        if (messages.isEmpty()) {
            return List.of();
        }
        ensure(() -> topics.ensureTopic(topic), "could not create the topics of " + topic);
        Instant at = clock.instant();
        long now = at.toEpochMilli();
        List<Published> out = new ArrayList<>(messages.size());
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(messages.size());
        for (Outgoing m : messages) {
            String id = ids.next().toString();
            long due = m.delay().isZero() ? 0 : Records.dueMillis(at.plus(m.delay()));
            records.add(Records.record(due == 0 ? topics.main(topic) : topics.delay(topic), id, now, due, m));
            out.add(new Published(id, topic, Instant.ofEpochMilli(due == 0 ? now : due)));
        }
        sendAll(records, "publish " + (messages.size() == 1 ? "a message" : messages.size() + " messages") + " to " + topic
                + (messages.size() == 1 ? "" : " (some may have been taken, and publishing again may duplicate them)"));
        metrics.published(topic, out.size());
        return out;
    }

    /** The shared checks, then Kafka's own: reserved header names, and delays the delay topic keeps. */
    private void check(String topic, Outgoing m) {
        Broker.check(topic, m, FEATURES, TYPE);
        for (String h : m.headers().keySet()) {
            if (Records.reserved(h)) {
                throw new IllegalArgumentException("headers: '" + h + "' is reserved on kafka (names starting with "
                        + Records.OURS + " carry Bulwark's own fields)");
            }
        }
        if (m.delay().compareTo(maxDelay) > 0) {
            throw new IllegalArgumentException("delay must be at most " + maxDelay + " on this kafka broker (its maxDelay,"
                    + " which the delay topic's retention follows) but was " + m.delay());
        }
        int size = Records.size(m);
        if (size > MAX_MESSAGE_BYTES) {
            throw new IllegalArgumentException("body: a message on kafka may have at most " + MAX_MESSAGE_BYTES
                    + " bytes with its key and headers but this one has " + size);
        }
    }

    @Override
    public void declare(String topic, String group) {
        Names.require("topic", topic);
        Names.require("group", group);
        requireOpen();
        ensure(() -> topics.ensureGroup(topic, group), "cannot declare the group " + group + " of " + topic);
    }

    @Override
    public Subscription subscribe(String topic, String group, MessageHandler handler, SubscribeOptions options) {
        Names.require("topic", topic);
        Names.require("group", group);
        Objects.requireNonNull(handler, "handler must be set");
        Objects.requireNonNull(options, "options must be set");
        requireOpen();
        ensure(() -> topics.ensureGroup(topic, group), "cannot declare the group " + group + " of " + topic);
        Duration session = sessions.timeoutFor(options.claimAfter());
        KafkaSource source = clientOf(() -> new KafkaSource(this, topic, group, configs.member(clientId + "-"
                + members.incrementAndGet(), topics.groupId(topic, group), session, options.prefetch()), options.prefetch()));
        sources.add(source);
        source.start();
        try {
            if (!source.awaitJoined(timeout)) {
                LOG.info("Member of group {} on {} has not joined its Kafka group within {} ms; it goes on joining", group,
                        topic, timeout.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        source.onClose(() -> sources.remove(source));
        Consumer c = Consumer.start(topic, group, source, handler, options, metrics);
        consumers.add(c);
        return c;
    }

    /** Sends {@code record} and waits for it to be in Kafka. */
    void send(ProducerRecord<byte[], byte[]> record, String what) {
        sendAll(List.of(record), what);
    }

    /** Sends {@code records} and waits for Kafka to have every one. */
    void sendAll(List<ProducerRecord<byte[], byte[]>> records, String what) {
        try {
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            for (ProducerRecord<byte[], byte[]> r : records) {
                sent.add(producer.send(r));
            }
            for (Future<RecordMetadata> f : sent) {
                f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (Exception e) {
            throw failure("could not " + what, e);
        }
    }

    @Override
    public List<Delivery> deadLetters(String topic, int max) {
        Names.require("topic", topic);
        requireMax(max);
        requireOpen();
        try {
            return deadLetters.list(topic, max);
        } catch (Exception e) {
            throw failure("could not read the dead letters of " + topic, e);
        }
    }

    /**
     * Moves up to {@code max} dead letters back to the group each died in (its retry topic, due at
     * once), as first deliveries with their ids, then deletes them from the dead-letter topic. A
     * failure part-way may duplicate what it moved, never lose it.
     */
    @Override
    public int redrive(String topic, int max) {
        Names.require("topic", topic);
        requireMax(max);
        requireOpen();
        try {
            return deadLetters.redrive(topic, max, clock.millis(), this::sendAll);
        } catch (MessagingException e) {
            throw e;
        } catch (Exception e) {
            throw failure("could not redrive the dead letters of " + topic + " (any moved stay dead letters too, and may"
                    + " be redriven again)", e);
        }
    }

    /** True when the cluster answers now. */
    @Override
    public boolean isHealthy() {
        if (closed) {
            return false;
        }
        try {
            long ms = Math.min(timeout.toMillis(), 2000);
            return !admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) ms)).nodes()
                    .get(ms, TimeUnit.MILLISECONDS).isEmpty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            return false;
        }
    }

    /** For tests: ends as a killed process would: no commit, no release, the groups left to notice the members gone. */
    void abandon() {
        closed = true;
        sources.forEach(KafkaSource::abandon);
        producer.close(Duration.ZERO);
        deadLetters.close();
        admin.close(Duration.ZERO);
    }

    @Override
    public void close() {
        boolean wasClosed = closed;
        closed = true;
        consumers.forEach(Consumer::close);
        if (wasClosed) {
            return;
        }
        deadLetters.close();
        producer.close(timeout);
        admin.close(timeout);
    }

    /** A kafka-clients client; a property it refuses is bad input, named. */
    private static <T> T clientOf(java.util.function.Supplier<T> make) {
        try {
            return make.get();
        } catch (org.apache.kafka.common.config.ConfigException e) {
            throw new IllegalArgumentException("client properties: " + e.getMessage(), e);
        }
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("the broker " + name + " (Kafka at " + url + ") is closed");
        }
    }

    private static void requireMax(int max) {
        if (max < 0) {
            throw new IllegalArgumentException("max must be >= 0 but was " + max);
        }
    }

    private void ensure(Runnable r, String what) {
        try {
            r.run();
        } catch (MessagingException e) {
            topics.forget();
            throw failure(what, e);
        }
    }

    private MessagingException failure(String what, Exception e) {
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
        }
        return new MessagingException(what + " on Kafka at " + url + " (connection " + name + "): " + describe(e), e);
    }

    static String describe(Throwable e) {
        Throwable t = e;
        while ((t instanceof ExecutionException || t.getMessage() == null) && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof MessagingException && t.getCause() != null) {
            return t.getMessage() + ": " + describe(t.getCause());
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getClass().getSimpleName() + ": " + t.getMessage();
    }
}
