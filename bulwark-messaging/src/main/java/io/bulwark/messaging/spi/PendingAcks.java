package io.bulwark.messaging.spi;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;

/**
 * The acknowledgements of one subscription whose broker takes several in one request
 * ({@link DeliverySource#ackBatch()} above 1): a delivery whose handler returned waits here until
 * {@link Consumer} takes it into a batch, and counts as unsettled until the broker answered that
 * batch.
 *
 * <p>Design notes. The state is guarded by the consumer's lock, so that a delivery goes from the
 * consumer's running handlers to here in one step (the consumer never looks idle while it holds an
 * unacknowledged delivery) and each answer wakes the consumer's poller, whose prefetch counts the
 * unsettled. {@link #take} is called with that lock held; {@link #send} without it, on the thread
 * that took the batch: the request never blocks the poller or another handler. A delivery is
 * counted as acknowledged only once the broker said it was; one the broker did not take is logged,
 * and comes back after its claim time.
 */
final class PendingAcks {

    private static final Logger LOG = LoggerFactory.getLogger(PendingAcks.class);

    private final String topic;
    private final String group;
    private final DeliverySource source;
    private final MessagingMetrics.Subscriber meters;
    private final int batch;
    private final ReentrantLock lock;
    private final Condition changed;
    private final List<Received> waiting = new ArrayList<>();
    /** Waiting, or taken into a batch not answered yet. */
    private final Set<Received> unsettled = new HashSet<>();

    PendingAcks(String topic, String group, DeliverySource source, MessagingMetrics.Subscriber meters, ReentrantLock lock,
                Condition changed) {
        this.topic = topic;
        this.group = group;
        this.source = source;
        this.meters = meters;
        this.batch = source.ackBatch();
        this.lock = lock;
        this.changed = changed;
    }

    /** The handler of {@code r} returned: it waits for a batch. With the consumer's lock held. */
    void add(Received r) {
        waiting.add(r);
        unsettled.add(r);
    }

    /**
     * With the consumer's lock held: everything waiting when {@code all}, else a full batch when
     * one is waiting, else nothing. The caller sends what it took.
     */
    List<Received> take(boolean all) {
        if (waiting.isEmpty() || !all && waiting.size() < batch) {
            return List.of();
        }
        List<Received> taken = List.copyOf(waiting);
        waiting.clear();
        return taken;
    }

    /** Everything waiting, taken under the consumer's lock (for a caller that does not hold it). */
    List<Received> takeAll() {
        lock.lock();
        try {
            return take(true);
        } finally {
            lock.unlock();
        }
    }

    /** Sends {@code taken} on a thread of its own, so that the caller does not wait for the broker. */
    void sendAside(List<Received> taken) {
        Thread.ofVirtual().name("bulwark-ack-" + topic).start(() -> send(taken));
    }

    /** Deliveries not acknowledged yet: waiting, or in a batch on its way. */
    int unsettled() {
        lock.lock();
        try {
            return unsettled.size();
        } finally {
            lock.unlock();
        }
    }

    /** The unsettled deliveries, whose claims the consumer goes on extending until they are answered. */
    List<Received> held() {
        lock.lock();
        try {
            return new ArrayList<>(unsettled);
        } finally {
            lock.unlock();
        }
    }

    /** Acknowledges {@code taken} in requests of at most the source's batch; counts and logs what each answer says. */
    void send(List<Received> taken) {
        for (int from = 0; from < taken.size(); from += batch) {
            List<Received> part = taken.subList(from, Math.min(taken.size(), from + batch));
            int acked = 0;
            try {
                Map<Received, Exception> failed = source.ackAll(part);
                for (Received r : part) {
                    Exception e = failed.get(r);
                    if (e == null) {
                        acked++;
                    } else {
                        LOG.warn("Could not acknowledge message {} of {} (group {}): {}; the broker delivers it again after"
                                + " its claim time", r.delivery().id(), topic, group, e.toString());
                    }
                }
            } catch (Exception e) {
                LOG.warn("Could not acknowledge messages {} of {} (group {}): {}; the broker delivers them again after their"
                        + " claim time", part.stream().map(r -> r.delivery().id()).collect(Collectors.joining(", ")), topic,
                        group, e.toString());
            }
            if (acked > 0) {
                meters.acked(acked);
            }
            lock.lock();
            try {
                part.forEach(unsettled::remove);
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    /** Waits up to {@code within} for every unsettled delivery's answer; false when some are still on their way. */
    boolean awaitSettled(Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        lock.lock();
        try {
            while (!unsettled.isEmpty()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                changed.awaitNanos(left);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }
}
