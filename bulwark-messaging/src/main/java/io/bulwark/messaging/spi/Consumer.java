package io.bulwark.messaging.spi;

import io.bulwark.messaging.Delivery;
import io.bulwark.messaging.MessageHandler;
import io.bulwark.messaging.Reject;
import io.bulwark.messaging.SubscribeOptions;
import io.bulwark.messaging.Subscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Runs a subscription's handlers over a broker's {@link DeliverySource}, with the semantics every
 * broker shares: at most {@code concurrency} handlers at once, each on a virtual thread, started
 * in the order the broker delivered (so with concurrency 1 the topic's order is kept); ack when
 * the handler returns; {@link Reject} or the last allowed delivery → dead letters; any other
 * failure → delivered again after the backoff; claims extended while a handler runs; on stop,
 * nothing more is fetched, deliveries in flight get the grace period, and what is left (running
 * or fetched but not started) is released for another consumer, never acknowledged.
 *
 * <p>Design notes. One platform thread polls, so a broker client that is not thread-safe for
 * reads (a blocking stream read, a pull subscription) needs no locking; it fetches only what the
 * prefetch has room for. Each fetched delivery goes to a handler when a concurrency permit is
 * free, in fetch order: started by the poller, or by the handler that just finished, so a
 * delivery never waits for the poller's blocking read to end. A poll that fails (the broker is away) is retried with a growing wait
 * up to 5 s, and {@link #isConnected()} reads false until one succeeds.
 *
 * <p>Acknowledgements. A source whose {@link DeliverySource#ackBatch()} is 1 has each delivery
 * acknowledged by its handler's thread as the handler returns. One that takes more in a request
 * has them gathered ({@link PendingAcks}) and sent together, without a timer: a batch leaves when
 * it is full (sent by the handler that filled it), when the consumer goes idle (the last handler
 * to finish, with nothing fetched, sends what waits), before each poll, when the poller waited
 * {@link #POLL_WAIT} without a handler finishing, and at once while stopping; {@link #stop}
 * sends what is left and waits for the answers before it returns. So a busy consumer sends full
 * batches and an idle one sends each acknowledgement as its handler returns. A delivery waiting
 * for its acknowledgement has left its handler's concurrency permit, but counts as in flight, and
 * its claim is extended, until the broker answered; up to a prefetch of them take no room in the
 * prefetch (see {@link #room()}).
 */
public final class Consumer implements Subscription {

    private static final Logger LOG = LoggerFactory.getLogger(Consumer.class);
    private static final Duration POLL_WAIT = Duration.ofMillis(500);
    private static final Duration LAG_EVERY = Duration.ofSeconds(5);
    /** How long {@link #stop} waits for acknowledgements on their way (a request and the client's retries). */
    private static final Duration ACK_WAIT = Duration.ofSeconds(30);

    private final String topic;
    private final String group;
    private final DeliverySource source;
    private final MessageHandler handler;
    private final SubscribeOptions options;
    private final MessagingMetrics metrics;
    /** This subscription's meters, looked up once (see {@link MessagingMetrics}). */
    private final MessagingMetrics.Subscriber meters;
    /** Makes the handlers' virtual threads; used under {@link #lock} only, as a builder is not thread-safe. */
    private final Thread.Builder handlers;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    /** The heartbeat's own: {@link #changed} is signalled as each handler finishes, which must not start a round. */
    private final Condition beat = lock.newCondition();
    private final ArrayDeque<Received> fetched = new ArrayDeque<>();
    private final Map<Received, Thread> running = new ConcurrentHashMap<>();
    /** Null when the source acknowledges one delivery per request: each is acknowledged by its handler's thread. */
    private final PendingAcks acks;
    private final Thread poller;
    private final Thread toucher;
    private volatile boolean stopping;
    private volatile boolean connected = true;
    private volatile boolean stopped;
    private final io.micrometer.core.instrument.Gauge lagGauge;
    private volatile long lagSampledAt = Long.MIN_VALUE;
    private volatile double lag = Double.NaN;

    private Consumer(String topic, String group, DeliverySource source, MessageHandler handler, SubscribeOptions options,
                     MessagingMetrics metrics) {
        this.topic = topic;
        this.group = group;
        this.source = source;
        this.handler = handler;
        this.options = options;
        this.metrics = metrics;
        this.meters = metrics.subscriber(topic, group);
        this.handlers = Thread.ofVirtual().name("bulwark-handler-" + topic);
        this.acks = source.ackBatch() > 1 ? new PendingAcks(topic, group, source, meters, lock, changed) : null;
        this.poller = Thread.ofPlatform().daemon().name("bulwark-consumer-" + topic + "-" + group).unstarted(this::pollLoop);
        this.toucher = Thread.ofVirtual().name("bulwark-consumer-touch-" + topic + "-" + group).unstarted(this::touchLoop);
        this.lagGauge = metrics.lag(topic, group, this::lag);
    }

    /** Asks the broker for the lag now; empty when it does not say. */
    public java.util.OptionalLong lagNow() throws Exception {
        return source.lag();
    }

    /**
     * Messages of the topic the group has not finished, as the broker last said (asked at most
     * every {@link #LAG_EVERY}, so a metrics scrape costs the broker little); NaN when it does not
     * say or cannot be reached.
     */
    public double lag() {
        long now = System.nanoTime();
        if (lagSampledAt == Long.MIN_VALUE || now - lagSampledAt >= LAG_EVERY.toNanos()) {
            lagSampledAt = now;
            try {
                java.util.OptionalLong n = source.lag();
                lag = n.isPresent() ? n.getAsLong() : Double.NaN;
            } catch (Exception e) {
                lag = Double.NaN;
            }
        }
        return lag;
    }

    /** Starts consuming {@code source} with {@code handler}. */
    public static Consumer start(String topic, String group, DeliverySource source, MessageHandler handler,
                                 SubscribeOptions options, MessagingMetrics metrics) {
        Consumer c = new Consumer(topic, group, source, handler, options, metrics);
        c.poller.start();
        c.toucher.start();
        return c;
    }

    @Override
    public String topic() {
        return topic;
    }

    @Override
    public String group() {
        return group;
    }

    @Override
    public boolean isRunning() {
        return !stopping;
    }

    /** False while polling the broker fails. */
    public boolean isConnected() {
        return connected;
    }

    /** Deliveries being handled now, and those handled whose acknowledgement the broker has not answered yet. */
    @Override
    public int inFlight() {
        return running.size() + (acks == null ? 0 : acks.unsettled());
    }

    private void pollLoop() {
        long failures = 0;
        while (!stopping) {
            try {
                dispatch();
                if (!worthPolling()) {
                    if (awaitChange()) {
                        sendAcks(); // the handlers are all busy and slow: what waits for a full batch goes now
                    }
                    continue;
                }
                sendAcks();
                List<Received> got = source.poll(room(), POLL_WAIT);
                if (!connected) {
                    LOG.info("Consumer of {} in group {} reaches its broker again", topic, group);
                }
                connected = true;
                failures = 0;
                lock.lock();
                try {
                    // Also when stopping: stop() gives them back with the rest, and counts them.
                    fetched.addAll(got);
                    if (stopping) {
                        return;
                    }
                } finally {
                    lock.unlock();
                }
            } catch (InterruptedException e) {
                if (stopping) {
                    return;
                }
            } catch (Exception e) {
                if (stopping) {
                    return;
                }
                if (connected) {
                    LOG.warn("Consumer of {} in group {} cannot fetch from its broker ({}); it tries again", topic, group,
                            e.toString());
                }
                connected = false;
                failures++;
                pause(Duration.ofMillis(Math.min(5_000, 100L << Math.min(6, failures))));
            }
        }
    }

    /**
     * How many more deliveries the prefetch has room for. Deliveries whose acknowledgement is on its
     * way take room only past a prefetch of them: the next poll does not wait for the broker's
     * answer, yet a broker slow to answer holds the consumer at twice its prefetch.
     */
    private int room() {
        lock.lock();
        try {
            int acking = acks == null ? 0 : Math.max(0, acks.unsettled() - options.prefetch());
            return Math.max(0, options.prefetch() - fetched.size() - running.size() - acking);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Whether to fetch now: when a handler would otherwise sit idle (nothing fetched to give it),
     * or when at least half the prefetch is free. Refilling one message at a time as each handler
     * finishes would cost a broker round trip per message, which on a broker whose fetch is slow
     * (a JetStream pull takes milliseconds) caps a consumer at a few hundred messages a second.
     */
    private boolean worthPolling() {
        lock.lock();
        try {
            int room = room();
            if (room == 0) {
                return false;
            }
            return fetched.isEmpty() && running.size() < options.concurrency() || room >= (options.prefetch() + 1) / 2;
        } finally {
            lock.unlock();
        }
    }

    /** Starts a handler for each fetched delivery while a concurrency permit is free, in fetch order. */
    private void dispatch() {
        lock.lock();
        try {
            while (!stopping && !fetched.isEmpty() && running.size() < options.concurrency()) {
                Received r = fetched.poll();
                Thread t = handlers.unstarted(() -> handle(r));
                running.put(r, t);
                t.start();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Waits for a change, up to {@link #POLL_WAIT}; true when that whole wait passed without one. */
    private boolean awaitChange() throws InterruptedException {
        lock.lock();
        try {
            if (!stopping && !worthPolling() && (fetched.isEmpty() || running.size() >= options.concurrency())) {
                return !changed.await(POLL_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            }
            return false;
        } finally {
            lock.unlock();
        }
    }

    /** Sends every acknowledgement waiting, on a thread of its own (the poller goes on to its poll). */
    private void sendAcks() {
        if (acks == null) {
            return;
        }
        List<Received> batch = acks.takeAll();
        if (!batch.isEmpty()) {
            acks.sendAside(batch);
        }
    }

    private void handle(Received r) {
        Delivery d = r.delivery();
        meters.delivered();
        long start = System.nanoTime();
        boolean toAck = false;
        try {
            handler.handle(d);
            if (acks == null) {
                settle(r, () -> source.ack(r), "acknowledge");
                meters.acked(1);
            } else {
                toAck = true;
            }
        } catch (Reject e) {
            deadLetter(r, "rejected: " + e.getMessage());
        } catch (Throwable e) {
            if (stopping && (e instanceof InterruptedException || Thread.currentThread().isInterrupted())) {
                release(r); // stopped mid-way: not a failure of the message
            } else if (d.deliveries() >= options.maxDeliveries()) {
                deadLetter(r, "failed " + d.deliveries() + " deliveries; the last with " + describe(e));
            } else {
                long ceiling = options.backoff().ceiling(d.deliveries()).toMillis();
                Duration delay = Duration.ofMillis(ceiling / 2 + (ceiling < 2 ? 0 : ThreadLocalRandom.current().nextLong(ceiling / 2 + 1)));
                settle(r, () -> source.retry(r, delay), "retry");
                meters.retried();
            }
        } finally {
            meters.handled(System.nanoTime() - start);
            List<Received> batch = List.of();
            lock.lock();
            try {
                if (toAck) {
                    acks.add(r); // before it leaves running: the consumer never looks idle holding it unacknowledged
                }
                running.remove(r);
                dispatch(); // the next fetched delivery starts now, not when the poller's wait ends
                if (toAck) {
                    batch = acks.take(stopping || running.isEmpty() && fetched.isEmpty());
                }
                changed.signalAll();
            } finally {
                lock.unlock();
            }
            if (!batch.isEmpty()) {
                sendFrom(batch);
            }
        }
    }

    /**
     * Sends a batch of acknowledgements from this handler's thread, which is done with its handler;
     * one interrupted by {@link #stop} (its handler returned all the same) hands it to a fresh thread,
     * whose request the interrupt does not abort.
     */
    private void sendFrom(List<Received> batch) {
        if (Thread.currentThread().isInterrupted()) {
            acks.sendAside(batch);
        } else {
            acks.send(batch);
        }
    }

    private void deadLetter(Received r, String reason) {
        settle(r, () -> source.deadLetter(r, reason), "dead-letter");
        meters.deadLettered();
        LOG.warn("Message {} of {} (group {}) went to the dead letters: {}", r.delivery().id(), topic, group, reason);
    }

    private void release(Received r) {
        settle(r, () -> source.release(r), "release");
        meters.released();
    }

    /** What a pushing broker sent ahead of the polls, given back; a failure leaves it to the broker, which gives it back when the consumer goes. */
    private int releaseUnpolled() {
        try {
            int n = source.releaseUnpolled();
            for (int i = 0; i < n; i++) {
                meters.released();
            }
            return n;
        } catch (Exception e) {
            LOG.warn("Consumer of {} in group {} could not give back the deliveries its broker sent ahead ({}); the broker"
                    + " gives them back when the consumer's connection closes, or after its claim time", topic, group,
                    e.toString());
            return 0;
        }
    }

    private interface Step {
        void run() throws Exception;
    }

    /** Runs an ack, retry, dead-letter or release; a failure leaves the message to the broker's claim time, which redelivers it. */
    private void settle(Received r, Step step, String what) {
        try {
            step.run();
        } catch (Exception e) {
            LOG.warn("Could not {} message {} of {} (group {}): {}; the broker delivers it again after its claim time",
                    what, r.delivery().id(), topic, group, e.toString());
        }
    }

    private static String describe(Throwable e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + (m.length() > 500 ? m.substring(0, 500) + "..." : m));
    }

    /**
     * Extends the claim on each delivery this consumer holds, three times per claim time: those
     * being handled and those fetched ahead and waiting for a handler. A fetched delivery whose
     * claim ran out while it waited would be handed out again by the broker and handled twice.
     */
    private void touchLoop() {
        Duration every = options.claimAfter().dividedBy(3);
        while (!stopped) {
            awaitBeat(every);
            List<Received> held;
            lock.lock();
            try {
                held = new ArrayList<>(running.keySet());
                held.addAll(fetched);
                if (acks != null) {
                    held.addAll(acks.held());
                }
            } finally {
                lock.unlock();
            }
            for (Received r : held) {
                try {
                    source.touch(r);
                } catch (Exception e) {
                    LOG.debug("Could not extend the claim on message {} of {}: {}", r.delivery().id(), topic, e.toString());
                }
            }
        }
    }

    /** Waits {@code d} (cut short only by {@link #stop}, which interrupts the heartbeat). */
    private void awaitBeat(Duration d) {
        lock.lock();
        try {
            long left = d.toNanos();
            while (!stopped && left > 0) {
                left = beat.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
    }

    private void pause(Duration d) {
        lock.lock();
        try {
            changed.await(d.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int stop(Duration grace) {
        lock.lock();
        try {
            if (stopped) {
                return 0;
            }
            stopping = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        int given = 0;
        try {
            poller.interrupt();
            poller.join(Duration.ofSeconds(10));
            given += releaseUnpolled();
            lock.lock();
            try {
                for (Received r : fetched) {
                    release(r);
                    given++;
                }
                fetched.clear();
                long deadline = System.nanoTime() + grace.toNanos();
                while (!running.isEmpty() && System.nanoTime() < deadline) {
                    changed.awaitNanos(deadline - System.nanoTime());
                }
                given += running.size();
                running.values().forEach(Thread::interrupt);
            } finally {
                lock.unlock();
            }
            for (Thread t : List.copyOf(running.values())) {
                t.join(Duration.ofSeconds(5));
            }
            flushAcks();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            stopped = true;
            toucher.interrupt();
            metrics.removeLag(lagGauge);
            source.close();
        }
        return given;
    }

    /** At stop, once the handlers are done: sends the acknowledgements still waiting, and waits for every answer. */
    private void flushAcks() throws InterruptedException {
        if (acks == null) {
            return;
        }
        acks.send(acks.takeAll());
        if (!acks.awaitSettled(ACK_WAIT)) {
            LOG.warn("Consumer of {} in group {} stops with {} acknowledgements unanswered after {} s; those the broker did"
                    + " not take come back after their claim time", topic, group, acks.unsettled(), ACK_WAIT.toSeconds());
        }
    }

    @Override
    public void close() {
        stop(options.grace());
    }
}
