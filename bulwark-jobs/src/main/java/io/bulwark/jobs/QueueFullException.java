package io.bulwark.jobs;

import java.time.Duration;

/** An enqueue refused because the queue holds its maximum number of waiting and running jobs. */
public final class QueueFullException extends RuntimeException {

    private final String queue;
    private final Duration retryAfter;

    public QueueFullException(String queue, long size, long maxSize, Duration retryAfter) {
        super("queue '" + queue + "' is full: " + size + " jobs waiting or running, maxSize " + maxSize
                + "; retry after " + retryAfter.toSeconds() + "s");
        this.queue = queue;
        this.retryAfter = retryAfter;
    }

    public String queue() {
        return queue;
    }

    /** When to try again. */
    public Duration retryAfter() {
        return retryAfter;
    }
}
