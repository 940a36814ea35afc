package io.bulwark.core.config;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A secret store in memory for one scheme: values to rotate, a failure to switch on, and a
 * count of reads. Not a mock: it behaves like a store, it is only quicker to steer.
 */
class FakeSecretStore implements SecretResolver {

    private final String scheme;
    private final Map<String, String> values = new ConcurrentHashMap<>();
    private final AtomicReference<RuntimeException> failure = new AtomicReference<>();
    private final AtomicInteger reads = new AtomicInteger();

    FakeSecretStore(String scheme) {
        this.scheme = scheme;
    }

    /** Sets (or rotates) the value at {@code location}. */
    FakeSecretStore put(String location, String value) {
        values.put(location, value);
        return this;
    }

    /** Every read fails with {@code e} until {@link #recover()}. */
    void failWith(RuntimeException e) {
        failure.set(e);
    }

    void recover() {
        failure.set(null);
    }

    int reads() {
        return reads.get();
    }

    @Override
    public String scheme() {
        return scheme;
    }

    @Override
    public String resolve(String location) {
        reads.incrementAndGet();
        RuntimeException e = failure.get();
        if (e != null) {
            throw e;
        }
        String value = values.get(location);
        if (value == null) {
            throw new SecretResolutionException("no secret at " + location);
        }
        return value;
    }
}
