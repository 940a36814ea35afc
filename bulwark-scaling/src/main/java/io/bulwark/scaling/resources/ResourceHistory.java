package io.bulwark.scaling.resources;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/** The last {@code capacity} snapshots, oldest first: a ring buffer that never grows. Thread-safe. */
public final class ResourceHistory {

    private final ResourceSnapshot[] ring;
    private final ReentrantLock lock = new ReentrantLock();
    private int next;
    private int size;

    public ResourceHistory(int capacity) {
        if (capacity < 1 || capacity > 100_000) {
            throw new IllegalArgumentException("capacity must be between 1 and 100000 but was " + capacity);
        }
        this.ring = new ResourceSnapshot[capacity];
    }

    public void add(ResourceSnapshot s) {
        lock.lock();
        try {
            ring[next] = s;
            next = (next + 1) % ring.length;
            size = Math.min(size + 1, ring.length);
        } finally {
            lock.unlock();
        }
    }

    /** Every snapshot kept, oldest first. */
    public List<ResourceSnapshot> all() {
        return since(Instant.MIN);
    }

    /** The snapshots taken after {@code since}, oldest first. */
    public List<ResourceSnapshot> since(Instant since) {
        lock.lock();
        try {
            List<ResourceSnapshot> out = new ArrayList<>(size);
            for (int i = 0; i < size; i++) {
                ResourceSnapshot s = ring[(next - size + i + ring.length) % ring.length];
                if (s.at().isAfter(since)) {
                    out.add(s);
                }
            }
            return out;
        } finally {
            lock.unlock();
        }
    }

    public Optional<ResourceSnapshot> latest() {
        lock.lock();
        try {
            return size == 0 ? Optional.empty() : Optional.of(ring[(next - 1 + ring.length) % ring.length]);
        } finally {
            lock.unlock();
        }
    }

    public int capacity() {
        return ring.length;
    }
}
