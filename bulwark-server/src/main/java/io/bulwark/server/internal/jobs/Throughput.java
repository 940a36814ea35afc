package io.bulwark.server.internal.jobs;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Completions per second per queue over the last minute, from samples of a monotonically
 * growing counter taken about once a second.
 */
final class Throughput {

    private record Sample(Instant at, double total) {
    }

    private static final Duration WINDOW = Duration.ofMinutes(1);
    private final Map<String, Deque<Sample>> samples = new ConcurrentHashMap<>();
    private final ReentrantLock lock = new ReentrantLock();

    /** Records that {@code queue}'s counter read {@code total} at {@code at}. */
    void sample(String queue, Instant at, double total) {
        lock.lock();
        try {
            Deque<Sample> d = samples.computeIfAbsent(queue, q -> new ArrayDeque<>());
            d.addLast(new Sample(at, total));
            while (d.size() > 2 && d.peekFirst().at().isBefore(at.minus(WINDOW))) {
                d.removeFirst();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Completions per second over the window, 0 until two samples exist. */
    double perSecond(String queue) {
        lock.lock();
        try {
            Deque<Sample> d = samples.get(queue);
            if (d == null || d.size() < 2) {
                return 0;
            }
            double seconds = Duration.between(d.peekFirst().at(), d.peekLast().at()).toMillis() / 1000.0;
            return seconds <= 0 ? 0 : Math.round((d.peekLast().total() - d.peekFirst().total()) / seconds * 10) / 10.0;
        } finally {
            lock.unlock();
        }
    }
}
