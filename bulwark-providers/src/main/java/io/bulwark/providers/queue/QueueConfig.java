package io.bulwark.providers.queue;

import java.time.Duration;

/**
 * A request queue's settings, checked (see {@code QueueSpec}).
 *
 * @param maxSize the most calls waiting at once; 0 means no queue
 * @param maxWait the longest a call waits
 * @param maxPerKey the most calls of one caller key waiting at once
 * @param agingStep the wait that counts as one priority level
 */
public record QueueConfig(int maxSize, Duration maxWait, int maxPerKey, Duration agingStep) {

    /** The defaults: 1000 calls, 30 s, 500 per key, one level per second waited. */
    public static final QueueConfig DEFAULT = new QueueConfig(1000, Duration.ofSeconds(30), 500, Duration.ofSeconds(1));

    /** No queue: a call no provider can take now is refused at once. */
    public static final QueueConfig OFF = new QueueConfig(0, Duration.ZERO, 1, Duration.ofSeconds(1));

    /** True when calls may wait. */
    public boolean enabled() {
        return maxSize > 0 && !maxWait.isZero();
    }
}
