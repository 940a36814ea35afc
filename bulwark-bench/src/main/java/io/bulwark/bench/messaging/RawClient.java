package io.bulwark.bench.messaging;

import java.util.List;

/**
 * A broker's own client used as plainly as an application would, for the same work the Bulwark
 * broker does: publish a batch durably (waiting until the broker has it), and consume {@code n}
 * messages of a topic in a group with {@code concurrency} handlers, acknowledging each.
 */
interface RawClient extends AutoCloseable {

    /** Publishes {@code bodies} to {@code topic} and returns once the broker holds every one. */
    void publish(String topic, List<byte[]> bodies) throws Exception;

    /** Makes the group's subscription point, so that it gets what is published after. */
    void declare(String topic, String group) throws Exception;

    /** Consumes and acknowledges {@code n} messages; returns when all were handled. */
    void consume(String topic, String group, int n, int concurrency) throws Exception;

    @Override
    void close() throws Exception;
}
