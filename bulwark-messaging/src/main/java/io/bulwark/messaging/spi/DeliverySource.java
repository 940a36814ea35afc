package io.bulwark.messaging.spi;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * What a broker module implements to consume one topic in one group; {@link Consumer} runs the
 * handlers over it with the semantics every broker shares. Each method may be called from several
 * threads, except {@link #poll}, which the consumer calls from one.
 */
public interface DeliverySource extends AutoCloseable {

    /**
     * Up to {@code max} deliveries, waiting at most {@code wait} for the first. Includes
     * deliveries another consumer of the group left unacknowledged past the claim time.
     */
    List<Received> poll(int max, Duration wait) throws Exception;

    /** The handler returned: the message is done for this group. */
    void ack(Received r) throws Exception;

    /**
     * How many acknowledgements the broker takes in one request. 1 (the default): the consumer
     * acknowledges each delivery with {@link #ack} as its handler returns. More: the consumer
     * gathers the deliveries whose handlers returned and hands them to {@link #ackAll}, at most this
     * many at a time (see {@link Consumer} for when it sends them).
     */
    default int ackBatch() {
        return 1;
    }

    /**
     * The handlers of {@code done} returned (at most {@link #ackBatch()} of them): acknowledges them
     * in as few requests as the broker allows, and answers those it could not acknowledge, each with
     * why (empty: all were). A throw counts as none acknowledged. The default acknowledges each
     * with {@link #ack}.
     */
    default Map<Received, Exception> ackAll(List<Received> done) throws Exception {
        Map<Received, Exception> failed = new HashMap<>();
        for (Received r : done) {
            try {
                ack(r);
            } catch (Exception e) {
                failed.put(r, e);
            }
        }
        return failed;
    }

    /** The handler failed: deliver it again (its {@code deliveries} one higher) after {@code delay}. */
    void retry(Received r, Duration delay) throws Exception;

    /** Out of deliveries, or rejected: keep it among the topic's dead letters with {@code reason}, and not deliver it again. */
    void deadLetter(Received r, String reason) throws Exception;

    /** Not handled (the consumer stops): let another consumer have it now, its {@code deliveries} unchanged where the broker allows. */
    void release(Received r) throws Exception;

    /** Tells the broker the consumer still handles {@code r} (for brokers whose claim time must be extended); may do nothing. */
    default void touch(Received r) throws Exception {
    }

    /**
     * The consumer stops and polls no more: give back at once what the broker already sent this
     * consumer that {@link #poll} has not returned, and say how many, so that the consumer counts
     * them with the rest. Only for brokers that push ahead up to a prefetch (RabbitMQ); a broker
     * whose poll fetches just what it returns has nothing to give back.
     */
    default int releaseUnpolled() throws Exception {
        return 0;
    }

    /**
     * How many messages of the topic this group has not finished, as the broker counts them
     * (waiting for a consumer, and on brokers that tell it, delivered but not yet acknowledged);
     * empty when the broker does not say. Asked at most every few seconds, from any thread.
     */
    default OptionalLong lag() throws Exception {
        return OptionalLong.empty();
    }

    @Override
    void close();
}
