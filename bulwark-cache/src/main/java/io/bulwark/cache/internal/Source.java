package io.bulwark.cache.internal;

import java.util.function.Function;

/**
 * How an entry is loaded again: the loader it came from, bound to its key. Kept with the entry so
 * that a refresh (Caffeine's refresh-after-write, an early refresh) reloads it with the loader of
 * the call that first loaded it, though loaders are given per call.
 */
record Source<K, V>(K key, Function<? super K, ? extends V> loader) {

    V load() {
        return loader.apply(key);
    }
}
