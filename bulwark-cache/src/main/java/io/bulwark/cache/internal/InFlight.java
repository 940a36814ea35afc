package io.bulwark.cache.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * Loads in flight in this process, one per key: the first caller of a key registers a future and
 * loads on its own thread, the others join that future. The map holds only loads in flight.
 *
 * <p>Design notes. With an L1, {@link #end} stores the loaded entry through its {@code keep}
 * callback inside the map's atomic step for the key, and only while the load is still registered;
 * {@link #forget} removes a registration in a step of its own. So an invalidation that runs
 * {@code forget} and then removes the key from the L1 either comes before the store (which then
 * does not happen) or after it (and removes the stored entry): a value loaded before an
 * invalidation is never kept. Callers already joined get the loaded value either way; a caller
 * that comes after the {@code forget} starts a load of its own.
 */
final class InFlight<V> {

    private final ConcurrentMap<String, CompletableFuture<Entry<V>>> loading = new ConcurrentHashMap<>();

    /** The load of {@code key} in flight, or null. */
    CompletableFuture<Entry<V>> get(String key) {
        return loading.get(key);
    }

    /** Registers {@code mine} as the load of {@code key}; null when it is, else the load in flight to join. */
    CompletableFuture<Entry<V>> begin(String key, CompletableFuture<Entry<V>> mine) {
        return loading.putIfAbsent(key, mine);
    }

    /**
     * Ends the load {@code mine} of {@code key} with {@code e} (null: nothing loaded): {@code keep}
     * stores a non-null {@code e} if {@code mine} is still registered, atomically with its removal;
     * then the callers that joined get {@code e}.
     */
    void end(String key, CompletableFuture<Entry<V>> mine, Entry<V> e, BiConsumer<String, Entry<V>> keep) {
        try {
            loading.computeIfPresent(key, (k, f) -> {
                if (f != mine) {
                    return f; // forgotten, and a newer load registered since
                }
                if (e != null) {
                    keep.accept(k, e);
                }
                return null;
            });
        } catch (RuntimeException | Error t) {
            fail(key, mine, t); // the store failed (a weigher that throws): nobody waits forever, the next caller loads
            throw t;
        }
        mine.complete(e);
    }

    /** Ends the load {@code mine} of {@code key} with {@code failure}, which the callers that joined get too. */
    void fail(String key, CompletableFuture<Entry<V>> mine, Throwable failure) {
        loading.remove(key, mine);
        mine.completeExceptionally(failure);
    }

    /** Drops the load of {@code key} in flight: its value will not be kept, and the next caller loads again. */
    void forget(String key) {
        loading.remove(key);
    }

    /** Drops every load in flight. */
    void forgetAll() {
        loading.clear();
    }

    /** Without an L1: loads {@code key} on this thread unless a load of it is in flight, which it then joins. */
    Entry<V> run(String key, Supplier<Entry<V>> load) {
        CompletableFuture<Entry<V>> mine = new CompletableFuture<>();
        CompletableFuture<Entry<V>> other = begin(key, mine);
        if (other != null) {
            return join(other);
        }
        Entry<V> e;
        try {
            e = load.get();
        } catch (Throwable t) {
            fail(key, mine, t);
            throw t;
        }
        end(key, mine, e, (k, x) -> { });
        return e;
    }

    /** The value of {@code f}, with the loader's own exception when it failed. */
    static <T> T join(CompletableFuture<T> f) {
        try {
            return f.join();
        } catch (CompletionException e) {
            throw unwrap(e);
        }
    }

    private static RuntimeException unwrap(CompletionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof RuntimeException r) {
            return r;
        }
        if (cause instanceof Error err) {
            throw err;
        }
        return e;
    }
}
