package io.bulwark.server.internal.jobs;

import java.util.Map;

/** Where queue settings changed over the API are kept, so they survive a restart. */
public interface QueuePersistence {

    /** Every persisted queue's settings, as JSON. */
    Map<String, String> load();

    /** Persists one queue's settings. */
    void save(String queue, String json);

    /** Keeps nothing (for an in-memory store). */
    static QueuePersistence none() {
        return new QueuePersistence() {
            @Override
            public Map<String, String> load() {
                return Map.of();
            }

            @Override
            public void save(String queue, String json) {
            }
        };
    }
}
