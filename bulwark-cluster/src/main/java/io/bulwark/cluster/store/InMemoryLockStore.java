package io.bulwark.cluster.store;

import io.bulwark.cluster.LockGrant;

import java.time.Duration;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/** A {@link LockStore} in memory: locks within one process. Each call is atomic under one lock. */
public final class InMemoryLockStore implements LockStore {

    private final InstantSource clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final TreeMap<String, LockGrant> held = new TreeMap<>();
    /** The last token granted per name, kept after release so tokens keep growing. */
    private final Map<String, Long> tokens = new HashMap<>();

    public InMemoryLockStore(InstantSource clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public Optional<LockGrant> tryAcquire(String name, String owner, Duration ttl) {
        return locked(() -> {
            if (current(name).isPresent()) {
                return Optional.empty();
            }
            var now = clock.instant();
            long token = tokens.merge(name, 1L, Long::sum);
            LockGrant g = new LockGrant(name, owner, token, now, now.plus(ttl));
            held.put(name, g);
            return Optional.of(g);
        });
    }

    @Override
    public Optional<LockGrant> renew(String name, long token, Duration ttl) {
        return locked(() -> current(name).filter(g -> g.token() == token).map(g -> {
            LockGrant r = new LockGrant(name, g.owner(), token, g.acquiredAt(), clock.instant().plus(ttl));
            held.put(name, r);
            return r;
        }));
    }

    @Override
    public boolean release(String name, long token) {
        return locked(() -> current(name).filter(g -> g.token() == token).map(g -> held.remove(name) != null).orElse(false));
    }

    @Override
    public Optional<LockGrant> holder(String name) {
        return locked(() -> current(name));
    }

    @Override
    public List<LockGrant> held() {
        return locked(() -> held.values().stream().filter(g -> g.until().isAfter(clock.instant())).toList());
    }

    @Override
    public void close() {
    }

    private Optional<LockGrant> current(String name) {
        LockGrant g = held.get(name);
        return g != null && g.until().isAfter(clock.instant()) ? Optional.of(g) : Optional.empty();
    }

    private <T> T locked(Supplier<T> action) {
        lock.lock();
        try {
            return action.get();
        } finally {
            lock.unlock();
        }
    }
}
