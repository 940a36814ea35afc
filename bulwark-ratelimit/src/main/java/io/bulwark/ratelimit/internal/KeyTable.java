package io.bulwark.ratelimit.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A bounded map from key to a CAS cell of {@link KeyState}.
 *
 * <h2>Design notes</h2>
 * Lookups and updates are lock-free: {@code get} on a {@link ConcurrentHashMap}, then CAS on
 * the key's cell. A new key is inserted with {@code putIfAbsent}; whoever loses the race uses
 * the winner's cell.
 *
 * <p>Eviction must never lose an admission: a cell is first CAS'd from the state the evictor
 * read to {@link KeyState#EVICTED}, and only then removed from the map. A thread that
 * still holds the cell fails its CAS (the state changed), reads {@code EVICTED}, and starts
 * over with a fresh lookup; conversely the evictor's CAS fails if an admission landed first,
 * and the key stays.
 *
 * <p>The bound: when an insert takes the map past {@code maxKeys}, one thread (the others
 * skip) removes the keys whose limits are fully replenished (forgetting them changes no
 * decision), then, if still above 90% of the bound, those that will be replenished soonest:
 * the idlest, measured by what forgetting them would lose rather than by when they were last
 * seen. (A key that is hammered and rejected is not written to, so "last admitted" would make
 * an exhausted abuser the first to be forgotten, resetting its limit; "soonest replenished"
 * keeps it longest.) Evicting a key that is not replenished forgets its usage: the bound
 * should exceed the number of keys active within a window. Working down to 90% makes the
 * O(n log n) sweep happen once per {@code maxKeys / 10} inserts at worst.
 */
public final class KeyTable {

    private final ConcurrentHashMap<String, AtomicReference<KeyState>> cells = new ConcurrentHashMap<>();
    private final AtomicBoolean sweeping = new AtomicBoolean();
    private final int maxKeys;
    private final int limits;

    /** A table of at most about {@code maxKeys} keys whose states have {@code limits} entries. */
    public KeyTable(int maxKeys, int limits) {
        this.maxKeys = maxKeys;
        this.limits = limits;
    }

    /** The cell of {@code key}, inserting a fresh one (and enforcing the bound) when absent. */
    public AtomicReference<KeyState> cell(String key, long now) {
        AtomicReference<KeyState> cell = cells.get(key);
        if (cell != null) {
            return cell;
        }
        AtomicReference<KeyState> created = new AtomicReference<>(KeyState.fresh(limits, now));
        AtomicReference<KeyState> prior = cells.putIfAbsent(key, created);
        if (prior != null) {
            return prior;
        }
        if (cells.size() > maxKeys) {
            sweep(now, true);
        }
        return created;
    }

    /** The cell of {@code key}, or null. */
    public AtomicReference<KeyState> peek(String key) {
        return cells.get(key);
    }

    /** Forgets a cell that a reader found {@link KeyState#EVICTED}. */
    public void drop(String key, AtomicReference<KeyState> cell) {
        cells.remove(key, cell);
    }

    /** How many keys are held. */
    public int size() {
        return cells.size();
    }

    /**
     * Removes replenished keys and, when {@code enforceBound}, the longest idle beyond 90% of
     * the bound; returns how many went. Returns 0 at once if another thread is sweeping.
     */
    public int sweep(long now, boolean enforceBound) {
        if (!sweeping.compareAndSet(false, true)) {
            return 0;
        }
        try {
            int removed = 0;
            for (Map.Entry<String, AtomicReference<KeyState>> e : cells.entrySet()) {
                KeyState s = e.getValue().get();
                if (s != KeyState.EVICTED && s.quiet(now) && evict(e.getKey(), e.getValue(), s)) {
                    removed++;
                }
            }
            int target = Math.max(1, maxKeys - maxKeys / 10);
            if (enforceBound && cells.size() > target) {
                // snapshot the states first: sorting on live values would break the comparator's contract
                List<Seen> idle = new ArrayList<>(cells.size());
                cells.forEach((key, cell) -> idle.add(new Seen(key, cell, cell.get())));
                idle.sort(Comparator.comparingLong(seen -> seen.state.quietAt()));
                for (int i = 0; i < idle.size() && cells.size() > target; i++) {
                    Seen seen = idle.get(i);
                    if (seen.state != KeyState.EVICTED && evict(seen.key, seen.cell, seen.state)) {
                        removed++;
                    }
                }
            }
            return removed;
        } finally {
            sweeping.set(false);
        }
    }

    private record Seen(String key, AtomicReference<KeyState> cell, KeyState state) {
    }

    private boolean evict(String key, AtomicReference<KeyState> cell, KeyState seen) {
        if (cell.compareAndSet(seen, KeyState.EVICTED)) {
            cells.remove(key, cell);
            return true;
        }
        return false;
    }
}
