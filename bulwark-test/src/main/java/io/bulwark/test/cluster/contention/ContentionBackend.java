package io.bulwark.test.cluster.contention;

import io.bulwark.cluster.store.LockStore;
import java.util.Map;
import java.util.Objects;

/**
 * How a {@link LockContentionChild} reaches its lock store and the fenced counter: a public class
 * with a no-argument constructor, named on the child's command line ({@code backend=<class>}).
 * One per kind of store, in the test sources of the module that owns the store (Redis in
 * bulwark-redis, PostgreSQL and MariaDB in bulwark-jdbc); each may keep the counter wherever it
 * likes, as long as the counter itself refuses stale tokens.
 */
public interface ContentionBackend {

    /**
     * Opens the store and the counter from the child's {@code key=value} settings.
     *
     * @throws IllegalArgumentException naming a missing or bad setting
     */
    Resources open(Map<String, String> settings) throws Exception;

    /** A setting that must be present, or an error naming it. */
    static String required(Map<String, String> settings, String key) {
        String value = settings.get(key);
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("setting '" + key + "' is required (pass " + key + "=...) but was "
                    + (value == null ? "missing" : "empty") + "; settings were " + settings.keySet());
        }
        return value;
    }

    /**
     * What a backend opened; closing it closes {@code closer} (connections, pools).
     *
     * @param store the lock store under test
     * @param counter the resource the lock guards
     * @param closer releases what the backend opened
     */
    record Resources(LockStore store, FencedCounter counter, AutoCloseable closer) implements AutoCloseable {

        public Resources {
            Objects.requireNonNull(store, "store");
            Objects.requireNonNull(counter, "counter");
            Objects.requireNonNull(closer, "closer");
        }

        @Override
        public void close() {
            try {
                store.close();
            } finally {
                try {
                    closer.close();
                } catch (RuntimeException e) {
                    throw e;
                } catch (Exception e) {
                    throw new IllegalStateException("could not close " + closer + ": " + e, e);
                }
            }
        }
    }
}
