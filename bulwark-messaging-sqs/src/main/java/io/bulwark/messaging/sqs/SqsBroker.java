package io.bulwark.messaging.sqs;

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
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The messaging API on Amazon SQS (standard queues), over the AWS SDK v2 with the JDK's
 * URLConnection HTTP client.
 *
 * <pre>{@code
 * try (Broker sqs = SqsBroker.builder("sqs://eu-west-1").build()) {
 *     sqs.declare("orders", "billing");   // the group's queue keeps what is published from now on
 *     sqs.publish("orders", Outgoing.json(order).key(order.customer()).build());
 *     sqs.subscribe("orders", "billing", d -> bill(d.json(Order.class)), SubscribeOptions.defaults());
 * }
 * }</pre>
 *
 * <h2>How the semantics map</h2>
 * <ul>
 *   <li>A group is the standard queue {@code <prefix><topic>__<group>} (see {@link QueueNames});
 *       publishing sends a copy to every group queue of the topic, found with {@code ListQueues}
 *       (see {@link Queues}). A group gets what is published after its queue exists.</li>
 *   <li>Claims are SQS's visibility timeout: a receive hides a message for {@code claimAfter}
 *       (whole seconds, rounded up) plus the second a receive waits (see {@link SqsSource}), and
 *       a live consumer extends it three times per
 *       {@code claimAfter} while the message is handled or waits in its prefetch. The delivery
 *       count is SQS's {@code ApproximateReceiveCount}.</li>
 *   <li>Ack deletes the message, ten to a {@code DeleteMessageBatch} (see {@link SqsSource}); a
 *       retry sets its visibility timeout to the backoff; a release sets it to 0 (SQS counts the
 *       next receive all the same).</li>
 *   <li>Delays: native ({@code DelaySeconds}) up to 15 minutes, rounded up to a second; a longer
 *       one carries its due time and is sent on by the group's consumers, 15 minutes at a
 *       stretch.</li>
 *   <li>Dead letters: the standard queue {@code <prefix><topic>_dead}, written by the consumer with
 *       the reason and the group; group queues also carry SQS's redrive policy to it, with
 *       {@code maxReceiveCount} as a backstop for messages no consumer ever finishes.</li>
 *   <li>Ordering: none (standard queues deliver in about the order sent, without promising it).
 *       Priorities: none (refused).</li>
 * </ul>
 */
public final class SqsBroker implements Broker {

    /** The broker type as configured. */
    public static final String TYPE = "sqs";
    /** The largest body and headers Bulwark lets through: a binary body travels in base64, a third larger. */
    public static final int MAX_MESSAGE_BYTES = 180 * 1024;
    private static final String ORDERING = "none: SQS standard queues deliver in about the order sent, without promising it";

    private final SqsUrl url;
    private final String name;
    private final SqsClient client;
    private final Queues queues;
    private final DeadLetters deadLetters;
    private final Features features = new Features(Features.Support.NATIVE, false, ORDERING, Features.Support.EMULATED,
            MAX_MESSAGE_BYTES);
    private final Clock clock;
    private final Uuid7 ids;
    private final MessagingMetrics metrics;
    private final Duration maxNativeDelay;
    private final List<Consumer> consumers = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    private SqsBroker(Builder b) {
        this.url = SqsUrl.parse(b.url);
        this.name = b.clientName();
        this.clock = b.clock();
        this.ids = new Uuid7(b.clock(), new SplittableRandom());
        this.metrics = new MessagingMetrics(b.meters(), b.connection());
        this.maxNativeDelay = b.maxNativeDelay;
        this.client = SqsClients.open(url, b.clientName(), b.timeout, b.interceptors);
        this.queues = new Queues(this::client, new QueueNames(b.prefix), b.clock(), b.groupRefresh, b.retention,
                b.maxReceiveCount);
        this.deadLetters = new DeadLetters(this::client, queues, b.maxReceiveCount);
        try {
            client.listQueues(r -> r.queueNamePrefix(b.prefix).maxResults(1));
        } catch (RuntimeException e) {
            client.close();
            throw failure("could not list its queues", e);
        }
    }

    /**
     * A builder for the SQS at {@code url}: {@code sqs://<region>}, or an endpoint such as
     * {@code https://sqs.eu-west-1.amazonaws.com} or {@code http://127.0.0.1:9324?region=elasticmq},
     * with {@code ACCESS_KEY_ID:SECRET@} before the host or credentials from the SDK's default chain.
     */
    public static Builder builder(String url) {
        return new Builder(url);
    }

    /** Builds {@link SqsBroker}; each setter checks its value at once. */
    public static final class Builder extends BrokerBuilder<Builder> {
        private final String url;
        private String prefix = "bulwark-";
        private Duration groupRefresh = Duration.ofSeconds(5);
        private Duration retention = Duration.ofDays(14);
        private int maxReceiveCount = 1000;
        private Duration timeout = Duration.ofSeconds(10);
        private Duration maxNativeDelay = Delays.SQS_MAX_DELAY;
        private final List<ExecutionInterceptor> interceptors = new ArrayList<>();

        private Builder(String url) {
            super(TYPE);
            this.url = Objects.requireNonNull(url, "url must be set");
            SqsUrl.parse(url); // fails here, naming the problem, rather than at build()
        }

        /**
         * The start of every queue name (default {@code bulwark-}): 1-32 letters, digits, '-' or
         * '_'. Brokers sharing an account and region need prefixes that do not start one another.
         */
        public Builder prefix(String p) {
            if (p == null || !p.matches("[A-Za-z0-9_-]{1,32}")) {
                throw new IllegalArgumentException("prefix must be 1-32 letters, digits, '-' or '_' but was "
                        + (p == null ? "missing" : "'" + p + "'"));
            }
            this.prefix = p;
            return this;
        }

        /**
         * How long the list of a topic's groups is used before publishing reads it again (default
         * 5 s; 0 reads it on every publish): a group declared on another node gets what is
         * published here from at most this much later.
         */
        public Builder groupRefresh(Duration d) {
            if (d == null || d.isNegative() || d.compareTo(Duration.ofHours(1)) > 0) {
                throw new IllegalArgumentException("groupRefresh must be from 0 to 1h but was " + d);
            }
            this.groupRefresh = d;
            return this;
        }

        /** How long SQS keeps a message nobody deletes (default and most 14 days, least 1 minute), dead letters too. */
        public Builder retention(Duration d) {
            if (d == null || d.compareTo(Duration.ofMinutes(1)) < 0 || d.compareTo(Duration.ofDays(14)) > 0) {
                throw new IllegalArgumentException("retention must be from 1m to 14d but was " + d);
            }
            this.retention = d;
            return this;
        }

        /**
         * The native redrive policy's {@code maxReceiveCount} on group queues (default 1000, SQS's
         * most; 0 sets none): after that many receives without a delete, SQS moves a message to the
         * dead letters itself. A backstop for a message that kills every consumer that takes it;
         * keep it above every subscription's {@code maxDeliveries}, which dead-letters with the reason.
         */
        public Builder maxReceiveCount(int n) {
            if (n < 0 || n > 1000) {
                throw new IllegalArgumentException("maxReceiveCount must be from 0 (none) to 1000 but was " + n);
            }
            this.maxReceiveCount = n;
            return this;
        }

        /** How long one try of a request may take, to connect and to answer (default 10 s); the SDK retries a failed one. */
        public Builder timeout(Duration d) {
            if (d == null || d.compareTo(Duration.ofSeconds(2)) < 0 || d.compareTo(Duration.ofMinutes(5)) > 0) {
                throw new IllegalArgumentException("timeout must be from 2s (a receive waits up to 1 s) to 5m but was " + d);
            }
            this.timeout = d;
            return this;
        }

        /** For tests: SQS's longest delay (15 minutes), lowered so that a longer delay's stretches are seen in seconds. */
        Builder maxNativeDelay(Duration d) {
            if (d.compareTo(Duration.ofSeconds(1)) < 0 || d.compareTo(Delays.SQS_MAX_DELAY) > 0) {
                throw new IllegalArgumentException("maxNativeDelay must be from 1s to 15m but was " + d);
            }
            this.maxNativeDelay = d;
            return this;
        }

        /** For tests: sees (or changes) each request of the broker's client and its answer, to count requests or feign a failure. */
        Builder intercept(ExecutionInterceptor i) {
            this.interceptors.add(Objects.requireNonNull(i, "interceptor must be set"));
            return this;
        }

        /**
         * Connects: checks that SQS answers with these credentials.
         *
         * @throws IllegalArgumentException when no region is given or found
         * @throws MessagingException when SQS cannot be reached or refuses the credentials
         */
        public SqsBroker build() {
            return new SqsBroker(this);
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

    /** The client; fails once the broker is closed. */
    SqsClient client() {
        if (closed) {
            throw new IllegalStateException("the broker " + name + " (SQS at " + url + ") is closed");
        }
        return client;
    }

    Queues queues() {
        return queues;
    }

    Clock clock() {
        return clock;
    }

    Duration maxNativeDelay() {
        return maxNativeDelay;
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
        Objects.requireNonNull(messages, "messages must be set");
        messages.forEach(m -> Broker.check(topic, m, features, TYPE));
        queues.names().requireFits(topic);
        client();
        if (messages.isEmpty()) {
            return List.of();
        }
        Instant now = clock.instant();
        List<Publisher.Entry> entries = new ArrayList<>(messages.size());
        List<Published> out = new ArrayList<>(messages.size());
        for (Outgoing m : messages) {
            String id = ids.next().toString();
            Delays.Plan plan = Delays.plan(now, m.delay(), maxNativeDelay);
            Messages.Encoded encoded = Messages.encode(id, now, m, plan.notBefore());
            int bytes = encoded.bytes() + Messages.DEAD_LETTER_ROOM;
            if (bytes > Messages.SQS_MAX_BYTES) {
                throw new IllegalArgumentException("body: a message on sqs may take at most "
                        + (Messages.SQS_MAX_BYTES - Messages.DEAD_LETTER_ROOM) + " bytes as SQS counts them (the body, in"
                        + " base64 when it is not UTF-8 text, and the key and headers) but this one takes "
                        + (bytes - Messages.DEAD_LETTER_ROOM));
            }
            entries.add(new Publisher.Entry(encoded, plan.delaySeconds()));
            out.add(new Published(id, topic, plan.deliverAt()));
        }
        new Publisher(this, topic).send(entries);
        metrics.published(topic, out.size());
        return out;
    }

    @Override
    public void declare(String topic, String group) {
        requireNames(topic, group);
        client();
        try {
            queues.group(topic, group);
        } catch (RuntimeException e) {
            throw failure("cannot declare the group " + group + " of " + topic, e);
        }
    }

    @Override
    public Subscription subscribe(String topic, String group, MessageHandler handler, SubscribeOptions options) {
        requireNames(topic, group);
        Objects.requireNonNull(handler, "handler must be set");
        Objects.requireNonNull(options, "options must be set");
        client();
        String queue;
        try {
            queue = queues.group(topic, group);
        } catch (RuntimeException e) {
            throw failure("cannot declare the group " + group + " of " + topic, e);
        }
        Consumer c = Consumer.start(topic, group, new SqsSource(this, topic, group, queue, options.claimAfter()), handler,
                options, metrics);
        consumers.add(c);
        return c;
    }

    private void requireNames(String topic, String group) {
        Names.require("topic", topic);
        Names.require("group", group);
        queues.names().requireFits(topic, group);
    }

    /** Sends {@code m}, received from {@code group}'s queue, to the topic's dead letters with {@code reason}. */
    void bury(String topic, String group, Message m, String reason, int deliveries) {
        String why = reason.length() > 2000 ? reason.substring(0, 2000) + "..." : reason;
        Messages.Encoded dead = Messages.copy(m).with(Messages.NOT_BEFORE, null).with(Messages.DEATH, Messages.text(why))
                .with(Messages.GROUP, Messages.text(group)).with(Messages.DELIVERIES, Messages.number(deliveries));
        try {
            String url = queues.dead(topic);
            client().sendMessage(r -> r.queueUrl(url).messageBody(dead.body()).messageAttributes(dead.attributes()));
        } catch (QueueDoesNotExistException e) { // deleted under us: made again, or this message would never die
            queues.forget(topic);
            String url = queues.dead(topic);
            client().sendMessage(r -> r.queueUrl(url).messageBody(dead.body()).messageAttributes(dead.attributes()));
        }
    }

    /**
     * Reads up to {@code max} dead letters without removing them: receives them and gives them
     * back at once; while it reads (an instant), another reader or a {@link #redrive} does not see
     * them. An empty topic's read takes a second (a long poll, which asks every SQS server).
     */
    @Override
    public List<Delivery> deadLetters(String topic, int max) {
        Names.require("topic", topic);
        queues.names().requireFits(topic);
        requireMax(max);
        client();
        if (max == 0) {
            return List.of();
        }
        try {
            return deadLetters.read(topic, max);
        } catch (RuntimeException e) {
            throw failure("could not read the dead letters of " + topic, e);
        }
    }

    /**
     * Moves up to {@code max} dead letters back to the queue of the group each died in, as first
     * deliveries with their ids; each is sent before it is deleted from the dead letters, so a
     * failure part-way may duplicate one but loses none.
     */
    @Override
    public int redrive(String topic, int max) {
        Names.require("topic", topic);
        queues.names().requireFits(topic);
        requireMax(max);
        client();
        AtomicInteger moved = new AtomicInteger();
        try {
            deadLetters.redrive(topic, max, moved);
        } catch (RuntimeException e) {
            throw failure("could not redrive the dead letters of " + topic + " (" + moved.get() + " moved)", e);
        }
        return moved.get();
    }

    private static void requireMax(int max) {
        if (max < 0) {
            throw new IllegalArgumentException("max must be >= 0 but was " + max);
        }
    }

    MessagingException failure(String what, Exception e) {
        return new MessagingException(what + " on SQS at " + url + " (connection " + name + "): " + describe(e), e);
    }

    /** What went wrong, from the SDK's exception: the service's code and message, or the client's reason. */
    static String describe(Throwable e) {
        if (e instanceof AwsServiceException s && s.awsErrorDetails() != null) {
            String code = s.awsErrorDetails().errorCode();
            String message = s.awsErrorDetails().errorMessage();
            return s.statusCode() + (code == null ? "" : " " + code) + (message == null ? "" : ": " + message);
        }
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (e instanceof SdkClientException && message.startsWith("Unable to load credentials")) {
            return "no AWS credentials: give ACCESS_KEY_ID:SECRET@ in the URL, or set AWS_ACCESS_KEY_ID and"
                    + " AWS_SECRET_ACCESS_KEY, or AWS_PROFILE, or run with an IAM role";
        }
        return message.length() > 300 ? message.substring(0, 300) + "..." : message;
    }

    /** True when SQS answers a {@code ListQueues} now (within 3 s). */
    @Override
    public boolean isHealthy() {
        if (closed) {
            return false;
        }
        try {
            client.listQueues(r -> r.queueNamePrefix(queues.names().prefix()).maxResults(1)
                    .overrideConfiguration(o -> o.apiCallTimeout(Duration.ofSeconds(3))));
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** For tests: ends as a killed process would: every request from now on fails, nothing is released or deleted. */
    void abandon() {
        closed = true;
        client.close();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        consumers.forEach(Consumer::close); // they give back what they hold, so the client is still needed
        closed = true;
        client.close();
    }
}
