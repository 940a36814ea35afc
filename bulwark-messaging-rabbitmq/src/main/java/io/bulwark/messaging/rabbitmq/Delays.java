package io.bulwark.messaging.rabbitmq;

import java.time.Duration;

/**
 * How a delay becomes a TTL queue: a delay is rounded up to two significant figures of
 * milliseconds (1234 ms → 1300 ms, 47 ms stays 47 ms), so it is never early and at most 10%
 * late, and the delays of a topic (or the retries of a group) need at most 90 queues per power of
 * ten: jittered retry backoffs and delays computed to the millisecond would otherwise make a queue
 * each.
 */
final class Delays {

    private Delays() {
    }

    /** {@code delay} in milliseconds, rounded up to two significant figures. */
    static long roundUp(Duration delay) {
        long ms = delay.toMillis() + (delay.toNanosPart() % 1_000_000 == 0 ? 0 : 1);
        long unit = 1;
        while (ms / unit >= 100) {
            unit *= 10;
        }
        return (ms + unit - 1) / unit * unit;
    }
}
