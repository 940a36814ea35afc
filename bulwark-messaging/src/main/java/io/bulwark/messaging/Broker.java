package io.bulwark.messaging;

import java.util.List;

/**
 * One connection to one broker, with the same semantics on every broker: publish (with key,
 * headers, delay, and priority where the broker has it), and consume in groups with
 * at-least-once delivery, acknowledgement after the handler returns, redelivery with a capped
 * backoff after it throws, and dead letters after {@link SubscribeOptions#maxDeliveries()}.
 * Every implementation passes {@code BrokerContract} from bulwark-test against the real broker.
 *
 * <pre>{@code
 * try (Broker broker = RedisStreamsBroker.builder("redis://127.0.0.1:6379").build()) {
 *     broker.publish("orders", Outgoing.json(order).key(order.customer()).build());
 *     Subscription s = broker.subscribe("orders", "billing", d -> bill(d.json(Order.class)),
 *             SubscribeOptions.builder().concurrency(4).build());
 * }
 * }</pre>
 */
public interface Broker extends AutoCloseable {

    /** The broker type, as configured ({@code redis-streams}, {@code rabbitmq}, ...). */
    String type();

    /** What this broker does with keys, delays, priorities and dead letters. */
    Features features();

    /**
     * Publishes {@code message} to {@code topic}; returns once the broker has it.
     *
     * @throws IllegalArgumentException naming the field when the topic or message is not acceptable here
     *         (a priority on a broker without priorities, a body over {@link Features#maxMessageBytes()})
     * @throws MessagingException when the broker cannot be reached or refuses it
     */
    Published publish(String topic, Outgoing message);

    /** Publishes each of {@code messages} to {@code topic}, in order; all are checked before any is sent. */
    List<Published> publishAll(String topic, List<Outgoing> messages);

    /**
     * Makes sure {@code group} exists on {@code topic}, so that messages published from now on are
     * kept for it even before any member subscribes (a bridge declares its group when it starts).
     * Whether a new group also gets messages published before is the broker's (see its docs: Redis
     * Streams and Kafka read from what the topic retains; RabbitMQ, SQS and NATS from the group's
     * creation). {@link #subscribe} declares too.
     */
    void declare(String topic, String group);

    /**
     * Starts consuming {@code topic} as a member of {@code group}: each message of the topic goes
     * to one member of each group.
     */
    Subscription subscribe(String topic, String group, MessageHandler handler, SubscribeOptions options);

    /** Up to {@code max} dead letters of {@code topic}, oldest first, with why each died in the header {@value #DEATH_HEADER}. */
    List<Delivery> deadLetters(String topic, int max);

    /**
     * Publishes up to {@code max} dead letters of {@code topic} again (first delivery, same id)
     * and removes them from the dead letters.
     *
     * @return how many
     */
    int redrive(String topic, int max);

    /** True when the broker answers now. */
    boolean isHealthy();

    /** Stops every subscription (with its grace) and closes the connection. */
    @Override
    void close();

    /** The header a dead letter carries: why it died. */
    String DEATH_HEADER = "bulwark-death";

    /** Checks a message against {@code features} and the names; the first problem, naming its field. */
    static void check(String topic, Outgoing message, Features features, String type) {
        Names.require("topic", topic);
        if (message.priority() != null && !features.priorities()) {
            throw new IllegalArgumentException("priority: " + type + " has no message priorities; leave priority out");
        }
        int size = message.body().length;
        for (var h : message.headers().entrySet()) {
            size += h.getKey().length() + h.getValue().length();
        }
        if (size > features.maxMessageBytes()) {
            throw new IllegalArgumentException("body: a message on " + type + " may have at most "
                    + features.maxMessageBytes() + " bytes with its headers but this one has " + size);
        }
    }
}
