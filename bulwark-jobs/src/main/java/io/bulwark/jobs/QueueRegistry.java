package io.bulwark.jobs;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The settings of every queue, changeable at run time. A queue nobody configured uses the
 * default settings. Reads are lock-free; the worker and the client read the current settings
 * on every step, so a change (pause, concurrency) takes effect at the next poll.
 */
public final class QueueRegistry {

    private final Map<String, QueueSettings> settings = new ConcurrentHashMap<>();
    private volatile QueueSettings defaults;

    public QueueRegistry(QueueSettings defaults) {
        this.defaults = Objects.requireNonNull(defaults, "defaults");
    }

    /** The settings of {@code queue}: its own, or the defaults. */
    public QueueSettings get(String queue) {
        QueueSettings s = settings.get(queue);
        return s != null ? s : defaults;
    }

    /** Sets the settings of {@code queue}. */
    public void put(String queue, QueueSettings s) {
        settings.put(Objects.requireNonNull(queue, "queue"), Objects.requireNonNull(s, "settings"));
    }

    /** The queues that have settings of their own. */
    public Map<String, QueueSettings> configured() {
        return Map.copyOf(settings);
    }

    public QueueSettings defaults() {
        return defaults;
    }
}
