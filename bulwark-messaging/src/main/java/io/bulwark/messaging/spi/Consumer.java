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
 */
public final class Consumer implements Subscription {

    private static final Logger LOG = LoggerFactory.getLogger(Consumer.class);
    private static final Duration POLL_WAIT = Duration.ofMillis(500);
    private static final Duration LAG_EVERY = Duration.ofSeconds(5);

    private final String topic;
    private final String group;
    private final DeliverySource source;
    private final MessageHandler handler;
    private final SubscribeOptions options;
    private final MessagingMetrics metrics;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<Received> fetched = new ArrayDeque<>();
    private final Map<Received, Thread> running = new ConcurrentHashMap<>();
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

    @Override
    public int inFlight() {
        return running.size();
    }

    private void pollLoop() {
        long failures = 0;
        while (!stopping) {
            try {
                dispatch();
                if (!worthPolling()) {
                    awaitChange();
                    continue;
                }
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

    /** How many more deliveries the prefetch has room for. */
    private int room() {
        lock.lock();
        try {
            return Math.max(0, options.prefetch() - fetched.size() - running.size());
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
                Thread t = Thread.ofVirtual().name("bulwark-handler-" + topic).unstarted(() -> handle(r));
                running.put(r, t);
                t.start();
            }
        } finally {
            lock.unlock();
        }
    }

    private void awaitChange() throws InterruptedException {
        lock.lock();
        try {
            if (!stopping && !worthPolling() && (fetched.isEmpty() || running.size() >= options.concurrency())) {
                changed.await(POLL_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } finally {
            lock.unlock();
        }
    }

    private void handle(Received r) {
        Delivery d = r.delivery();
        metrics.delivered(topic, group);
        long start = System.nanoTime();
        try {
            handler.handle(d);
            settle(r, () -> source.ack(r), "acknowledge");
            metrics.acked(topic, group);
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
                metrics.retried(topic, group);
            }
        } finally {
            metrics.handled(topic, group, Duration.ofNanos(System.nanoTime() - start));
            lock.lock();
            try {
                running.remove(r);
                dispatch(); // the next fetched delivery starts now, not when the poller's wait ends
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    private void deadLetter(Received r, String reason) {
        settle(r, () -> source.deadLetter(r, reason), "dead-letter");
        metrics.deadLettered(topic, group);
        LOG.warn("Message {} of {} (group {}) went to the dead letters: {}", r.delivery().id(), topic, group, reason);
    }

    private void release(Received r) {
        settle(r, () -> source.release(r), "release");
        metrics.released(topic, group);
    }

    /** What a pushing broker sent ahead of the polls, given back; a failure leaves it to the broker, which gives it back when the consumer goes. */
    private int releaseUnpolled() {
        try {
            int n = source.releaseUnpolled();
            for (int i = 0; i < n; i++) {
                metrics.released(topic, group);
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
            pause(every);
            List<Received> held;
            lock.lock();
            try {
                held = new ArrayList<>(running.keySet());
                held.addAll(fetched);
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

    @Override
    public void close() {
        stop(options.grace());
    }
}
