package io.bulwark.cache.jcache.internal;

import java.util.Collection;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.cache.Cache;
import javax.cache.processor.EntryProcessor;

/**
 * Where the entries of a {@link JCache} live, and the steps on one key that JSR-107 wants atomic:
 * in the process ({@link JStore}, Caffeine), or in a Bulwark two-level cache whose L2 is shared by
 * every node ({@link JLevelsStore}). {@link JCache} keeps the API's checks, statistics of whole
 * calls and the delivery of the events that a step records.
 */
interface JEntries<K, V> {

    /** The outcome of a step that writes: the value replaced (null if none), whether the new one was stored. */
    final class Change<V> {
        V old;
        boolean written;
    }

    /** The outcome of a conditional step: whether a live entry was found, whether it changed. */
    record Outcome(boolean found, boolean changed) {
    }

    /** The live value of {@code key} (its access expiry moved), or null. */
    V read(K key);

    /** The live values of those of {@code keys} that have one. */
    Map<K, V> readAll(Collection<? extends K> keys);

    /** Whether {@code key} has a live value (an access that does not count and moves no expiry). */
    boolean contains(K key);

    Change<V> put(K key, V value, boolean writeThrough);

    Change<V> putIfAbsent(K key, V value, boolean writeThrough);

    /** Removes {@code key}; returns the live value removed, or null. */
    V remove(K key, boolean writeThrough);

    /** Removes {@code key} if its live value equals {@code expected}. */
    Outcome removeIf(K key, V expected);

    /** Replaces the live value of {@code key}; returns the old one, or null when there was none. */
    V replace(K key, V value);

    /** Replaces the live value of {@code key} if it equals {@code expected}. */
    Outcome replaceIf(K key, V expected, V value);

    /** Stores a loaded value unless a live one is there; returns the value now stored, or null. */
    V store(K key, V loaded);

    /** Runs {@code processor} on {@code key}'s entry and applies what it did, in one step; returns its result. */
    Object invoke(K key, EntryProcessor<K, V, ?> processor, Object... arguments);

    /** The keys held, for {@code removeAll()}; empty when the entries cannot be listed (they live in Redis). */
    Optional<Set<K>> keys();

    /** The live entries, for {@link JCache#iterator()}. */
    Iterator<Cache.Entry<K, V>> iterator(JCache<K, V> cache, JStatistics stats, Copier copier);

    /** Drops every entry, without events or writer. */
    void clear();

    /** The cache closes: lets go of what this store holds (the entries of the process, or the connections). */
    void close();

    /** What {@link JCache#unwrap} may hand out besides the cache itself. */
    Object delegate();
}
