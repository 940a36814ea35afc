package io.bulwark.cache.internal;

import java.util.Set;

/**
 * One cached value with what the cache needs to know about it, the same in both levels.
 *
 * @param value the value (never null)
 * @param tags the tags it carries
 * @param writtenAtMillis when it was loaded or put (clock milliseconds): a reload keeps an L2
 *     entry newer than the one it refreshes instead of loading again
 * @param expiresAtMillis when it expires (clock milliseconds), in both levels
 * @param loadNanos how long its load took (0 for a put): the scale of the early refresh
 * @param source loads it again (the loader it came from, bound to its key), or null when nothing can
 */
record Entry<V>(V value, Set<String> tags, long writtenAtMillis, long expiresAtMillis, long loadNanos,
                Source<?, V> source) {

    Entry {
        tags = Set.copyOf(tags);
    }

    /** The same entry, reloadable through {@code s}. */
    Entry<V> withSource(Source<?, V> s) {
        return new Entry<>(value, tags, writtenAtMillis, expiresAtMillis, loadNanos, s);
    }
}
