package io.bulwark.cache.jcache.internal;

import java.util.concurrent.atomic.LongAdder;
import javax.cache.management.CacheStatisticsMXBean;

/** The JSR-107 statistics of one cache; counts only while enabled. Times are averaged in microseconds. */
final class JStatistics implements CacheStatisticsMXBean {

    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder puts = new LongAdder();
    private final LongAdder removals = new LongAdder();
    private final LongAdder evictions = new LongAdder();
    private final LongAdder getNanos = new LongAdder();
    private final LongAdder putNanos = new LongAdder();
    private final LongAdder removeNanos = new LongAdder();
    private volatile boolean enabled;

    boolean enabled() {
        return enabled;
    }

    void enable(boolean value) {
        this.enabled = value;
    }

    void hits(long n) {
        add(hits, n);
    }

    void misses(long n) {
        add(misses, n);
    }

    void puts(long n) {
        add(puts, n);
    }

    void removals(long n) {
        add(removals, n);
    }

    void evictions(long n) {
        add(evictions, n);
    }

    void getTime(long nanos) {
        add(getNanos, nanos);
    }

    void putTime(long nanos) {
        add(putNanos, nanos);
    }

    void removeTime(long nanos) {
        add(removeNanos, nanos);
    }

    private void add(LongAdder adder, long n) {
        if (enabled && n != 0) {
            adder.add(n);
        }
    }

    @Override
    public void clear() {
        for (LongAdder a : new LongAdder[] {hits, misses, puts, removals, evictions, getNanos, putNanos, removeNanos}) {
            a.reset();
        }
    }

    @Override
    public long getCacheHits() {
        return hits.sum();
    }

    @Override
    public float getCacheHitPercentage() {
        long gets = getCacheGets();
        return gets == 0 ? 0 : 100f * getCacheHits() / gets;
    }

    @Override
    public long getCacheMisses() {
        return misses.sum();
    }

    @Override
    public float getCacheMissPercentage() {
        long gets = getCacheGets();
        return gets == 0 ? 0 : 100f * getCacheMisses() / gets;
    }

    @Override
    public long getCacheGets() {
        return getCacheHits() + getCacheMisses();
    }

    @Override
    public long getCachePuts() {
        return puts.sum();
    }

    @Override
    public long getCacheRemovals() {
        return removals.sum();
    }

    @Override
    public long getCacheEvictions() {
        return evictions.sum();
    }

    @Override
    public float getAverageGetTime() {
        return averageMicros(getNanos.sum(), getCacheGets());
    }

    @Override
    public float getAveragePutTime() {
        return averageMicros(putNanos.sum(), getCachePuts());
    }

    @Override
    public float getAverageRemoveTime() {
        return averageMicros(removeNanos.sum(), getCacheRemovals());
    }

    private static float averageMicros(long nanos, long count) {
        return count == 0 ? 0 : nanos / 1000f / count;
    }
}
