package io.bulwark.cache.internal;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Invalidations (and puts, which are invalidations for the other nodes) that could not reach Redis,
 * kept to be replayed when it answers again, so that an entry changed during an outage does not
 * come back from the L2 or another node's L1. Bounded: past {@value #MAX_KEYS} keys it keeps "all".
 */
final class Pending {

    static final int MAX_KEYS = 10_000;

    private final Set<String> keys = ConcurrentHashMap.newKeySet();
    private final Set<String> tags = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean all = new AtomicBoolean();

    void key(String key) {
        if (keys.size() >= MAX_KEYS) {
            all.set(true);
        } else {
            keys.add(key);
        }
    }

    void tag(String tag) {
        if (tags.size() >= MAX_KEYS) {
            all.set(true);
        } else {
            tags.add(tag);
        }
    }

    void all() {
        all.set(true);
    }

    boolean isEmpty() {
        return !all.get() && keys.isEmpty() && tags.isEmpty();
    }

    /** What to replay; each item is removed once {@code replay} applied it (a failure leaves the rest). */
    interface Replay {
        void all();

        void tag(String tag);

        void key(String key);
    }

    void replay(Replay r) {
        if (all.get()) {
            r.all();
            all.set(false);
            keys.clear();
            tags.clear();
            return;
        }
        for (String t : List.copyOf(tags)) {
            r.tag(t);
            tags.remove(t);
        }
        for (String k : List.copyOf(keys)) {
            r.key(k);
            keys.remove(k);
        }
    }
}
