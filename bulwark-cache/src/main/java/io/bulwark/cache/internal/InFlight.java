package io.bulwark.cache.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Supplier;

/**
 * One load per key at a time in this process, for a cache without L1 (with an L1, Caffeine's
 * futures map does this): the first caller of a key loads on its thread, the others wait for its
 * future. The map holds only loads in flight.
 */
final class InFlight<V> {

    private final ConcurrentMap<String, CompletableFuture<Entry<V>>> loading = new ConcurrentHashMap<>();

    Entry<V> run(String key, Supplier<Entry<V>> load) {
        CompletableFuture<Entry<V>> mine = new CompletableFuture<>();
        CompletableFuture<Entry<V>> other = loading.putIfAbsent(key, mine);
        if (other != null) {
            return L1.join(other);
        }
        try {
            Entry<V> e = load.get();
            mine.complete(e);
            return e;
        } catch (Throwable t) {
            mine.completeExceptionally(t);
            throw t;
        } finally {
            loading.remove(key, mine);
        }
    }
}
