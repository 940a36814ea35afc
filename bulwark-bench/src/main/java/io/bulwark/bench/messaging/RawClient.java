package io.bulwark.bench.messaging;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A broker's own client used as plainly as an application would, for the same work the Bulwark
 * broker does: publish a batch durably (waiting until the broker has it), and consume {@code n}
 * messages of a topic in a group with {@code concurrency} handlers, acknowledging each.
 *
 * <p>Unless made bare, each message it publishes carries what every message of the Bulwark API
 * carries by contract, a unique id and its publish time by the publisher's clock, where the
 * broker's client puts such things: AMQP's {@code message-id} and {@code timestamp} properties,
 * Kafka's record timestamp, JetStream's {@code Nats-Msg-Id} (the id it de-duplicates on, as the
 * Bulwark publisher sets it), and otherwise a stream field, a header or a message attribute.
 * What Bulwark writes beyond that is its own overhead, which the ratio shows.
 */
interface RawClient extends AutoCloseable {

    /** A random (version 4) UUID as text, from the thread's generator: an id as cheap as Bulwark's UUIDv7s. */
    static String newId() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return new UUID((r.nextLong() & ~0xF000L) | 0x4000L, (r.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L)
                .toString();
    }

    /** Publishes {@code bodies} to {@code topic} and returns once the broker holds every one. */
    void publish(String topic, List<byte[]> bodies) throws Exception;

    /** Makes the group's subscription point, so that it gets what is published after. */
    void declare(String topic, String group) throws Exception;

    /** Consumes and acknowledges {@code n} messages; returns when all were handled. */
    void consume(String topic, String group, int n, int concurrency) throws Exception;

    /**
     * Deletes what this client's {@link #declare} made for {@code topic} and {@code group}, and what the
     * Bulwark broker declared for them, where the broker keeps such things until deleted (RabbitMQ's
     * queues and exchanges); nothing where a round's topic costs the broker nothing kept.
     */
    default void delete(String topic, String group) throws Exception {
    }

    @Override
    void close() throws Exception;
}
