package io.bulwark.cache;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Counts of one cache per level, since it was built; a snapshot for the API and the dashboard
 * (the same figures are in the metrics, see {@code docs/cache.md}).
 *
 * @param cache the cache's name
 * @param l1 the L1's figures, when the cache has an L1
 * @param l2 the L2's figures, when the cache has an L2
 */
public record CacheStats(String cache, Optional<Level> l1, Optional<Level> l2) {

    /** Validates. */
    public CacheStats {
        Objects.requireNonNull(cache, "cache");
        Objects.requireNonNull(l1, "l1");
        Objects.requireNonNull(l2, "l2");
    }

    /**
     * The figures of one level.
     *
     * @param size entries held (L1: Caffeine's estimate; L2: members of the cache's key index in
     *     Redis, which may count entries that expired a moment ago; -1 when Redis does not answer)
     * @param hits reads answered by this level
     * @param misses reads this level could not answer
     * @param loads L1: fills of the L1 on a miss (from the L2 or the loader); L2: calls of the loader
     * @param loadFailures loads that threw
     * @param loadTime time spent in those loads, in total
     * @param evictions L1: entries Caffeine evicted (size, expiry); L2: entries read past their
     *     expiry or in a format this version cannot read
     * @param evictionsByCause {@code evictions} by cause: L1 {@code size}, {@code expired},
     *     {@code collected}; L2 {@code expired}, {@code unreadable} (the labels of the eviction meters)
     * @param invalidations invalidations applied to this level (by key, tag or all; from this node or another)
     */
    public record Level(long size, long hits, long misses, long loads, long loadFailures, Duration loadTime,
                        long evictions, Map<String, Long> evictionsByCause, long invalidations) {

        /** Validates. */
        public Level {
            Objects.requireNonNull(loadTime, "loadTime");
            evictionsByCause = Collections.unmodifiableMap(new LinkedHashMap<>(evictionsByCause));
        }

        /** {@code hits / (hits + misses)}, or 1 when there was no read (as Caffeine reports it). */
        public double hitRatio() {
            long requests = hits + misses;
            return requests == 0 ? 1.0 : (double) hits / requests;
        }
    }
}
