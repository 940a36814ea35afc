package io.bulwark.resilience.breaker;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/** A {@link BreakerHistoryStore} in memory, keeping the last 1,000 transitions per breaker. */
public final class InMemoryBreakerHistory implements BreakerHistoryStore {

    private static final int KEEP = 1_000;

    private final Map<String, List<BreakerTransition>> byBreaker = new ConcurrentHashMap<>();
    private final ReentrantLock lock = new ReentrantLock();

    @Override
    public void append(String breaker, BreakerTransition transition) {
        lock.lock();
        try {
            List<BreakerTransition> list = byBreaker.computeIfAbsent(breaker, b -> new ArrayList<>());
            list.add(transition);
            if (list.size() > KEEP) {
                list.remove(0);
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<BreakerTransition> recent(String breaker, int limit) {
        lock.lock();
        try {
            List<BreakerTransition> list = byBreaker.getOrDefault(breaker, List.of());
            return List.copyOf(list.subList(Math.max(0, list.size() - limit), list.size()));
        } finally {
            lock.unlock();
        }
    }
}
