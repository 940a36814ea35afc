package io.bulwark.messaging;

import java.time.Duration;

/** A running consumer of one topic in one group. */
public interface Subscription extends AutoCloseable {

    String topic();

    String group();

    /** True until stopped. */
    boolean isRunning();

    /**
     * Deliveries being handled now; on a broker that acknowledges several in one request (SQS),
     * also those handled whose acknowledgement the broker has not answered yet.
     */
    int inFlight();

    /**
     * Stops fetching, lets deliveries in flight finish for up to {@code grace}, then interrupts
     * the rest and gives them back to the broker for another consumer (none is acknowledged
     * unless its handler returned). Returns once the broker answered the acknowledgements of
     * those whose handlers returned.
     *
     * @return how many were given back unfinished
     */
    int stop(Duration grace);

    /** {@link #stop} with the subscription's own grace period. */
    @Override
    void close();
}
