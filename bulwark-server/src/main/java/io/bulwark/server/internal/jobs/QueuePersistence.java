package io.bulwark.server.internal.jobs;

import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/** Where queue settings changed over the API are kept, so they survive a restart. */
public interface QueuePersistence {

    /** Every persisted queue's settings, as JSON. */
    Map<String, String> load();

    /** Persists one queue's settings. */
    void save(String queue, String json);

    /** Keeps nothing (for an in-memory store). */
    static QueuePersistence none() {
        return of(Map::of, (queue, json) -> { });
    }

    /** Loads with {@code loader} and saves with {@code saver}. */
    static QueuePersistence of(Supplier<Map<String, String>> loader, BiConsumer<String, String> saver) {
        return new QueuePersistence() {
            @Override
            public Map<String, String> load() {
                return loader.get();
            }

            @Override
            public void save(String queue, String json) {
                saver.accept(queue, json);
            }
        };
    }
}
