package io.bulwark.core.state;

import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;

/** {@link StateStore#inMemory}: one lock around plain maps; state is small and writes are rare. */
final class InMemoryStateStore implements StateStore {

    private final InstantSource clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, TreeMap<String, StateEntry>> documents = new HashMap<>();
    private final Map<String, Map<String, Deque<StateRecord>>> histories = new HashMap<>();

    InMemoryStateStore(InstantSource clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public Instant now() {
        return clock.instant();
    }

    @Override
    public Optional<StateEntry> get(String kind, String name) {
        StateNames.check(kind, name);
        lock.lock();
        try {
            TreeMap<String, StateEntry> ofKind = documents.get(kind);
            return Optional.ofNullable(ofKind == null ? null : ofKind.get(name));
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<StateEntry> list(String kind) {
        StateNames.check(kind, "-");
        lock.lock();
        try {
            TreeMap<String, StateEntry> ofKind = documents.get(kind);
            return ofKind == null ? List.of() : List.copyOf(ofKind.values());
        } finally {
            lock.unlock();
        }
    }

    @Override
    public StateEntry put(String kind, String name, String json) {
        StateNames.check(kind, name);
        Objects.requireNonNull(json, "json");
        lock.lock();
        try {
            TreeMap<String, StateEntry> ofKind = documents.computeIfAbsent(kind, k -> new TreeMap<>());
            StateEntry previous = ofKind.get(name);
            StateEntry entry = new StateEntry(kind, name, json,
                    previous == null ? 1 : previous.version() + 1, clock.instant());
            ofKind.put(name, entry);
            return entry;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Optional<StateEntry> putIfVersion(String kind, String name, String json, long expectedVersion) {
        StateNames.check(kind, name);
        Objects.requireNonNull(json, "json");
        StateNames.checkVersion(expectedVersion);
        lock.lock();
        try {
            TreeMap<String, StateEntry> ofKind = documents.computeIfAbsent(kind, k -> new TreeMap<>());
            StateEntry previous = ofKind.get(name);
            long current = previous == null ? 0 : previous.version();
            if (current != expectedVersion) {
                return Optional.empty();
            }
            StateEntry entry = new StateEntry(kind, name, json, current + 1, clock.instant());
            ofKind.put(name, entry);
            return Optional.of(entry);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean delete(String kind, String name) {
        StateNames.check(kind, name);
        lock.lock();
        try {
            TreeMap<String, StateEntry> ofKind = documents.get(kind);
            return ofKind != null && ofKind.remove(name) != null;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public StateRecord append(String kind, String name, String json) {
        StateNames.check(kind, name);
        Objects.requireNonNull(json, "json");
        lock.lock();
        try {
            StateRecord record = new StateRecord(kind, name, json, clock.instant());
            histories.computeIfAbsent(kind, k -> new HashMap<>())
                    .computeIfAbsent(name, n -> new ArrayDeque<>())
                    .addFirst(record);
            return record;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<StateRecord> history(String kind, String name, int limit) {
        StateNames.check(kind, name);
        StateNames.checkLimit(limit);
        lock.lock();
        try {
            Map<String, Deque<StateRecord>> ofKind = histories.get(kind);
            Deque<StateRecord> records = ofKind == null ? null : ofKind.get(name);
            if (records == null) {
                return List.of();
            }
            List<StateRecord> newest = new ArrayList<>(Math.min(limit, records.size()));
            for (StateRecord record : records) {
                if (newest.size() == limit) {
                    break;
                }
                newest.add(record);
            }
            return newest;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int pruneHistory(String kind, Instant before) {
        StateNames.check(kind, "-");
        lock.lock();
        try {
            Map<String, Deque<StateRecord>> ofKind = histories.get(kind);
            if (ofKind == null) {
                return 0;
            }
            int removed = 0;
            for (Deque<StateRecord> records : ofKind.values()) {
                for (Iterator<StateRecord> it = records.descendingIterator(); it.hasNext(); ) {
                    if (!it.next().at().isBefore(before)) {
                        break;
                    }
                    it.remove();
                    removed++;
                }
            }
            return removed;
        } finally {
            lock.unlock();
        }
    }
}
