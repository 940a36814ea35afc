package io.bulwark.cache.internal;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.cache.CacheMeterBinder;
import java.util.function.LongSupplier;

/**
 * Micrometer's standard cache meters for the L2 ({@code cache.gets}, {@code cache.puts},
 * {@code cache.evictions}, {@code cache.size}, tagged {@code cache=<name>} and {@code level=l2}),
 * over the cache's own counts, so that one query gives the hit ratio of either level:
 * {@code rate(cache_gets_total{result="hit"}[5m]) / rate(cache_gets_total[5m])} by {@code level}.
 * Puts are L2 writes (a put, or the fill after a load); evictions are entries dropped when read
 * (expired, or in a format this version cannot read); the size reads the key index in Redis (-1
 * while Redis does not answer).
 */
final class L2Metrics extends CacheMeterBinder<CacheMeters> {

    private final LongSupplier size;

    L2Metrics(CacheMeters meters, String name, LongSupplier size) {
        super(meters, name, Tags.of("level", "l2"));
        this.size = size;
    }

    @Override
    protected Long size() {
        return size.getAsLong();
    }

    @Override
    protected long hitCount() {
        CacheMeters m = getCache();
        return m == null ? 0 : m.l2Hits.sum();
    }

    @Override
    protected Long missCount() {
        CacheMeters m = getCache();
        return m == null ? 0L : m.l2Misses.sum();
    }

    @Override
    protected Long evictionCount() {
        CacheMeters m = getCache();
        return m == null ? 0L : m.l2Expired.sum() + m.l2Unreadable.sum();
    }

    @Override
    protected long putCount() {
        CacheMeters m = getCache();
        return m == null ? 0 : m.l2Puts.sum();
    }

    @Override
    protected void bindImplementationSpecificMetrics(MeterRegistry registry) {
        // none: the L2's own meters (loads, load time, evictions by cause, bypasses) are bound by CacheMeters
    }
}
