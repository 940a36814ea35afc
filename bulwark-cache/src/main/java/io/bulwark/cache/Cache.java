package io.bulwark.cache;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * A typed cache of one or two levels: L1 in the process (Caffeine), L2 in Redis shared by the
 * fleet. Built by {@link Caches#builder}.
 *
 * <pre>{@code
 * Product p = products.get("sku-42", sku -> catalog.find(sku));   // one load per key and node at a time
 * products.put("sku-42", updated, Set.of("category:shoes"));       // every node's L1 drops its copy
 * products.invalidateTag("category:shoes");                         // atomic in Redis, then broadcast
 * }</pre>
 *
 * <p>Redis trouble never reaches the caller: while Redis does not answer, reads go to the loader,
 * writes to Redis are dropped (invalidations are kept and replayed when it answers again) and
 * {@link #status()} reports DEGRADED. Exceptions thrown by a loader reach the caller unchanged
 * and nothing is cached for that key. Values are held by reference in the L1: do not change one
 * after handing it to, or getting it from, the cache.
 *
 * @param <K> the key type; keys become strings in Redis through the builder's key encoder
 * @param <V> the value type
 */
public interface Cache<K, V> extends AutoCloseable {

    /** The cache's name. */
    String name();

    /** The configuration the cache was built with. */
    CacheConfig config();

    /**
     * The value of {@code key}: from the L1, else the L2, else {@code loader}, whose value is then
     * stored in both. Concurrent misses on one key in this process share one load.
     *
     * @return the value, or {@code null} when the loader returned {@code null} (nothing is cached then)
     */
    V get(K key, Function<? super K, ? extends V> loader);

    /**
     * The value of {@code key}, loaded on a miss by the builder's {@link CacheBuilder#loader loader}.
     *
     * @throws IllegalStateException when the cache was built without a loader
     */
    V get(K key);

    /** The value of {@code key} if either level holds it; never loads. */
    Optional<V> getIfPresent(K key);

    /**
     * The values of {@code keys}; the keys found in neither level are loaded by one call of
     * {@code loader}. Keys the loader leaves out are absent from the result.
     */
    Map<K, V> getAll(Collection<? extends K> keys, Function<? super Set<K>, ? extends Map<K, V>> loader);

    /** {@link #getAll(Collection, Function)} with the builder's loader, called once per key. */
    Map<K, V> getAll(Collection<? extends K> keys);

    /** Stores {@code value} in both levels, with the cache's tags; every other node's L1 drops its copy. */
    void put(K key, V value);

    /** {@link #put(Object, Object)} with {@code tags} besides the cache's own. */
    void put(K key, V value, Set<String> tags);

    /**
     * {@link #put(Object, Object, Set)} with a life of its own: the entry expires {@code ttl} from
     * now in both levels instead of after the cache's ttl.
     *
     * @throws IllegalArgumentException when {@code ttl} is not positive
     */
    void put(K key, V value, Set<String> tags, java.time.Duration ttl);

    /** Removes {@code key} from both levels and from every node's L1. */
    void invalidate(K key);

    /** Removes every entry tagged {@code tag}: atomically in the L2, then from every node's L1. */
    void invalidateTag(String tag);

    /** Removes every entry of this cache, in both levels and on every node. */
    void invalidateAll();

    /**
     * Starts a warm-up with the builder's {@link CacheBuilder#warmer warmer} on the cache's
     * executor, or returns the one running.
     *
     * @throws IllegalStateException when the cache was built without a warmer
     */
    Warming warm();

    /** Whether the cache works as configured (UP) or runs without its L2 or its invalidation bus (DEGRADED). */
    CacheStatus status();

    /** Counts per level, since the cache was built. */
    CacheStats stats();

    /** Stops listening for invalidations and closes the Redis connections the cache opened itself. */
    @Override
    void close();
}
