package io.bulwark.messaging.rabbitmq;

import java.util.TreeSet;

/**
 * The delivery tags of one consuming channel, so that many acknowledgements go in one
 * {@code basic.ack} with {@code multiple} set, which acknowledges every unacknowledged delivery of
 * the channel up to its tag: allowed only up to a tag below which every delivery is settled
 * (acknowledged, or given back), never over one whose handler still runs.
 *
 * <p>Design notes. RabbitMQ numbers a channel's deliveries 1, 2, 3, ... and every delivery on a
 * consumer's channel comes to that consumer, so the tags it sees have no gaps; {@link #settledTo}
 * is the tag up to which all are settled, and {@link #above} holds those settled beyond it, out of
 * order. A multiple acknowledgement names a tag of the batch being acknowledged (never one
 * settled before, which RabbitMQ might not know any more): the highest of the batch that the
 * watermark reaches once the batch is counted in. After the connection is recovered the client
 * goes on numbering past the highest tag it saw and drops acknowledgements of older tags, which
 * are void: {@link #reset} moves the watermark past them at the first new delivery. Every method
 * but {@link #delivered} runs under the source's lock; {@link #delivered} runs on the client's
 * consumer thread, which also calls {@link #reset}, in order.
 */
final class AckTags {

    private volatile long lastDelivered;
    private volatile boolean resetting;
    private long settledTo;
    private final TreeSet<Long> above = new TreeSet<>();

    /** A delivery with {@code tag} arrived (the client's consumer thread); true when the source must {@link #resume} first. */
    boolean delivered(long tag) {
        lastDelivered = tag;
        return resetting;
    }

    /** The channel went down with its connection: what was delivered on it is void once deliveries come again. */
    void reset() {
        resetting = true;
    }

    /** The first delivery after a recovery, {@code tag}: every tag before it is void, so taken as settled. Under the lock. */
    void resume(long tag) {
        if (resetting) {
            resetting = false;
            settledTo = Math.max(settledTo, tag - 1);
            above.headSet(settledTo, true).clear();
        }
    }

    /**
     * Counts {@code tags} (ascending) as settled, and says the highest of them below which every
     * tag is settled now, 0 when none is: acknowledge up to it with multiple, and each of
     * {@code tags} above it alone. Under the lock.
     */
    long settle(long[] tags) {
        for (long t : tags) {
            if (t > settledTo) {
                above.add(t);
            }
        }
        advance();
        long upTo = 0;
        for (long t : tags) {
            if (t <= settledTo) {
                upTo = t;
            }
        }
        return upTo;
    }

    /** Counts one tag as settled (a lone acknowledgement, or a delivery given back). Under the lock. */
    void settle(long tag) {
        if (tag > settledTo) {
            above.add(tag);
            advance();
        }
    }

    private void advance() {
        while (!above.isEmpty() && above.first() == settledTo + 1) {
            settledTo = above.pollFirst();
        }
    }

    /** For tests: the tag up to which all are settled. */
    long settledTo() {
        return settledTo;
    }

    /** For tests and logs: the highest tag delivered. */
    long lastDelivered() {
        return lastDelivered;
    }
}
