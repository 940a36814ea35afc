package io.bulwark.messaging.kafka;

import io.bulwark.messaging.spi.Received;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/**
 * What passes between a member's thread and the other threads of its subscription: deliveries
 * handed out (taken by the consumer loop's poll) and settlements coming back (from handlers). The
 * member waits on it, for room or for a settlement, and is woken by either. Once drained, nothing
 * more is handed out, so what a stopping consumer gives back is all there is.
 */
final class Handoff {

    /** A fetched record and the partition progress it belongs to (its owner at the time). */
    record Handle(org.apache.kafka.common.TopicPartition partition, long offset, Progress progress,
                  org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]> record) {
    }

    /** What became of a handed-out record. */
    sealed interface Settlement permits Done, TakeBack, Again {
        Handle handle();
    }

    /** Finished: acknowledged, or its retry or dead letter is in Kafka. */
    record Done(Handle handle) implements Settlement {
    }

    /** Given back unhandled: its count goes back down. */
    record TakeBack(Handle handle) implements Settlement {
    }

    /** Its retry or dead letter could not be written: delivered again at {@code due} (epoch ms), counted. */
    record Again(Handle handle, long due) implements Settlement {
    }

    private final LinkedBlockingDeque<Received> ready = new LinkedBlockingDeque<>();
    private final ConcurrentLinkedQueue<Settlement> settled = new ConcurrentLinkedQueue<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private volatile boolean drained;

    // ---- the consumer loop's and the handlers' side ----

    /** Up to {@code max} deliveries, waiting up to {@code wait} for the first. */
    List<Received> poll(int max, Duration wait) throws InterruptedException {
        Received first = ready.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
        if (first == null) {
            return List.of();
        }
        List<Received> out = new ArrayList<>();
        out.add(first);
        ready.drainTo(out, max - 1);
        wake();
        return out;
    }

    void settle(Settlement s) {
        settled.add(s);
        wake();
    }

    /** Hands out nothing more, and returns what was handed out and not taken. */
    List<Received> drain() {
        List<Received> left = new ArrayList<>();
        lock.lock();
        try {
            drained = true;
            ready.drainTo(left);
        } finally {
            lock.unlock();
        }
        return left;
    }

    void wake() {
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    // ---- the member's side ----

    boolean drained() {
        return drained;
    }

    int waitingToBeTaken() {
        return ready.size();
    }

    boolean noDeliveries() {
        return ready.isEmpty();
    }

    /** Hands {@code out} over; false when drained meanwhile (nothing was handed over). */
    boolean handOver(List<Received> out) {
        lock.lock();
        try {
            if (drained) {
                return false;
            }
            ready.addAll(out);
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** The next settlement, or null. */
    Settlement nextSettlement() {
        return settled.poll();
    }

    /** Takes back the deliveries not taken yet whose handle {@code which} accepts; returns them. */
    List<Handle> takeBack(Predicate<Handle> which) {
        List<Handle> out = new ArrayList<>();
        for (Received r : List.copyOf(ready)) {
            Handle h = (Handle) r.handle();
            if (which.test(h) && ready.remove(r)) {
                out.add(h);
            }
        }
        return out;
    }

    /** Waits up to {@code ms} unless {@code until} holds already, for a delivery to be taken or a settlement to come. */
    void await(long ms, java.util.function.BooleanSupplier until) {
        lock.lock();
        try {
            if (!until.getAsBoolean()) {
                changed.await(ms, TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
    }
}
