package io.bulwark.core.events;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * This node's events: the last {@code capacity} kept in order, and listeners (the webhook and
 * Alertmanager sinks) told of each as it is published. Publishing never throws and never blocks
 * on a listener's failure. The log does not write log lines: each source logs its event once, in
 * its own words, where it happens.
 */
public final class EventLog {

    private static final Logger LOG = LoggerFactory.getLogger(EventLog.class);

    private final InstantSource clock;
    private final int capacity;
    private final Deque<Event> events = new ArrayDeque<>();
    private final List<Consumer<Event>> listeners = new CopyOnWriteArrayList<>();
    private final ReentrantLock lock = new ReentrantLock();
    private long next = 1;

    public EventLog(InstantSource clock, int capacity) {
        if (capacity < 1 || capacity > 1_000_000) {
            throw new IllegalArgumentException("capacity must be between 1 and 1000000 but was " + capacity);
        }
        this.clock = clock;
        this.capacity = capacity;
    }

    /** Publishes an event that raises no alert. */
    public Event publish(String kind, Severity severity, String subject, String message) {
        return publish(kind, severity, subject, message, Map.of(), null, false);
    }

    /** Publishes an event, keeps it, and tells the listeners. */
    public Event publish(String kind, Severity severity, String subject, String message, Map<String, String> labels,
                         String alert, boolean resolved) {
        Event e;
        lock.lock();
        try {
            e = new Event(next++, clock.instant(), kind, severity, subject, message, labels, alert, resolved);
            events.addLast(e);
            if (events.size() > capacity) {
                events.removeFirst();
            }
        } finally {
            lock.unlock();
        }
        for (Consumer<Event> l : listeners) {
            try {
                l.accept(e);
            } catch (RuntimeException ex) {
                LOG.warn("An event listener failed on event {} ({}): {}", e.id(), e.kind(), ex.toString());
            }
        }
        return e;
    }

    /**
     * Events after {@code afterId} whose kind starts with {@code kindPrefix} (empty: all), oldest
     * first, at most the newest {@code limit} of them.
     */
    public List<Event> after(long afterId, String kindPrefix, int limit) {
        List<Event> out = new ArrayList<>();
        lock.lock();
        try {
            for (Event e : events) {
                if (e.id() > afterId && e.kind().startsWith(kindPrefix)) {
                    out.add(e);
                }
            }
        } finally {
            lock.unlock();
        }
        return out.size() <= limit ? out : out.subList(out.size() - limit, out.size());
    }

    /** Called with every event published from now on. */
    public void subscribe(Consumer<Event> listener) {
        listeners.add(listener);
    }

    public int capacity() {
        return capacity;
    }
}
