package io.bulwark.cache.internal;

import com.github.benmanes.caffeine.cache.RemovalCause;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;

/**
 * The cache's own counts (L2, invalidations, early refreshes, fleet locks, L1 evictions by cause),
 * kept in adders so that {@link io.bulwark.cache.Cache#stats()} works without a registry, and
 * exposed as function meters when one is given. Names (Prometheus form in brackets):
 * <ul>
 *   <li>{@code bulwark.cache.l2.gets{cache,result=hit|miss}} [{@code bulwark_cache_l2_gets_total}]</li>
 *   <li>{@code bulwark.cache.l2.loads{cache,result=success|failure}}: loader calls</li>
 *   <li>{@code bulwark.cache.l2.load.duration{cache}} [{@code _seconds_count}, {@code _seconds_sum}]</li>
 *   <li>{@code bulwark.cache.l2.evictions{cache,cause=expired|unreadable}}</li>
 *   <li>{@code bulwark.cache.l2.bypassed{cache}}: operations that skipped Redis while it was away</li>
 *   <li>{@code bulwark.cache.l2.up{cache}}: 1 while the L2 is used, 0 while bypassed</li>
 *   <li>{@code bulwark.cache.bus.connected{cache}}: 1 while invalidations from other nodes arrive</li>
 *   <li>{@code bulwark.cache.invalidations{cache,level=l1|l2,scope=key|tag|all,origin=local|remote}}</li>
 *   <li>{@code bulwark.cache.l1.evictions{cache,cause=size|expired|collected}}</li>
 *   <li>{@code bulwark.cache.early.refreshes{cache}}: refreshes started before expiry</li>
 *   <li>{@code bulwark.cache.fleet.locks{cache,result=acquired|waited|timeout}}</li>
 * </ul>
 * The warm-up gauges are registered by {@link Warmup}; the standard {@code cache.*} meters by
 * Micrometer's cache binders, tagged {@code level}: {@code CaffeineCacheMetrics} for the L1
 * ({@code level=l1}), {@link L2Metrics} over these counts for the L2 ({@code level=l2}).
 */
final class CacheMeters {

    enum Scope { KEY, TAG, ALL }

    final LongAdder l2Hits = new LongAdder();
    final LongAdder l2Misses = new LongAdder();
    final LongAdder loads = new LongAdder();
    final LongAdder loadFailures = new LongAdder();
    final LongAdder loadNanos = new LongAdder();
    final LongAdder l2Expired = new LongAdder();
    final LongAdder l2Unreadable = new LongAdder();
    final LongAdder l2Bypassed = new LongAdder();
    final LongAdder l2Puts = new LongAdder();
    final LongAdder earlyRefreshes = new LongAdder();
    final LongAdder lockAcquired = new LongAdder();
    final LongAdder lockWaited = new LongAdder();
    final LongAdder lockTimedOut = new LongAdder();
    private final LongAdder[] l1Invalidations = adders(Scope.values().length * 2);
    private final LongAdder[] l2Invalidations = adders(Scope.values().length);
    private final LongAdder[] l1Evictions = adders(3);
    /** Misses of keys the L1 had let expire, by how much longer a ttl would have had to be: 2x, 4x, 8x, more. */
    private final LongAdder[] rereads = adders(4);
    /** The ttl factors of {@link #rereads}' buckets. */
    static final String[] REREAD_WITHIN = {"2x", "4x", "8x", "later"};

    /**
     * A miss of a key whose entry expired from the L1: it had lived {@code lifeMillis} (written to
     * expiry) and is read again {@code ageMillis} after it was written.
     */
    void rereadAfterExpiry(long lifeMillis, long ageMillis) {
        double factor = lifeMillis <= 0 ? Double.POSITIVE_INFINITY : (double) ageMillis / lifeMillis;
        int bucket = factor <= 2 ? 0 : factor <= 4 ? 1 : factor <= 8 ? 2 : 3;
        rereads[bucket].increment();
    }

    /** Misses of keys the L1 let expire, by the ttl factor that would have served them (2x, 4x, 8x, later). */
    java.util.Map<String, Long> rereadsAfterExpiry() {
        java.util.Map<String, Long> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < REREAD_WITHIN.length; i++) {
            m.put(REREAD_WITHIN[i], rereads[i].sum());
        }
        return m;
    }

    void l1Invalidated(Scope scope, boolean remote) {
        l1Invalidations[scope.ordinal() * 2 + (remote ? 1 : 0)].increment();
    }

    void l2Invalidated(Scope scope) {
        l2Invalidations[scope.ordinal()].increment();
    }

    void l1Evicted(RemovalCause cause) {
        switch (cause) {
            case SIZE -> l1Evictions[0].increment();
            case EXPIRED -> l1Evictions[1].increment();
            case COLLECTED -> l1Evictions[2].increment();
            default -> { }
        }
    }

    void loaded(long nanos, boolean success) {
        (success ? loads : loadFailures).increment();
        loadNanos.add(nanos);
    }

    /** L1 evictions by cause: size, expired, collected. */
    java.util.Map<String, Long> l1EvictionsByCause() {
        return java.util.Map.of("size", l1Evictions[0].sum(), "expired", l1Evictions[1].sum(),
                "collected", l1Evictions[2].sum());
    }

    long l1Invalidations() {
        return sum(l1Invalidations);
    }

    long l2Invalidations() {
        return sum(l2Invalidations);
    }

    /** Registers the meters of cache {@code name} in {@code registry}. */
    void bind(MeterRegistry registry, String name, boolean l1, boolean l2, BooleanSupplier l2Up, BooleanSupplier busUp,
              java.util.function.LongSupplier l2Size) {
        Tags cache = Tags.of("cache", name);
        for (Scope scope : Scope.values()) {
            String s = scope.name().toLowerCase(java.util.Locale.ROOT);
            if (l1) {
                counter(registry, "bulwark.cache.invalidations", "Invalidations applied to a level",
                        cache.and("level", "l1", "scope", s, "origin", "local"), l1Invalidations[scope.ordinal() * 2]);
                counter(registry, "bulwark.cache.invalidations", "Invalidations applied to a level",
                        cache.and("level", "l1", "scope", s, "origin", "remote"), l1Invalidations[scope.ordinal() * 2 + 1]);
            }
            if (l2) {
                counter(registry, "bulwark.cache.invalidations", "Invalidations applied to a level",
                        cache.and("level", "l2", "scope", s, "origin", "local"), l2Invalidations[scope.ordinal()]);
            }
        }
        counter(registry, "bulwark.cache.early.refreshes", "Refreshes started before the entry expired",
                cache, earlyRefreshes);
        if (l1) {
            String[] causes = {"size", "expired", "collected"};
            for (int i = 0; i < causes.length; i++) {
                counter(registry, "bulwark.cache.l1.evictions", "Entries the L1 evicted, by cause",
                        cache.and("cause", causes[i]), l1Evictions[i]);
            }
            for (int i = 0; i < REREAD_WITHIN.length; i++) {
                counter(registry, "bulwark.cache.l1.expired.rereads", "Misses of keys the L1 had let expire, by how "
                        + "many times their ttl would have served them", cache.and("within", REREAD_WITHIN[i]), rereads[i]);
            }
        }
        if (!l2) {
            return;
        }
        new L2Metrics(this, name, l2Size).bindTo(registry);
        counter(registry, "bulwark.cache.l2.gets", "Reads of the L2", cache.and("result", "hit"), l2Hits);
        counter(registry, "bulwark.cache.l2.gets", "Reads of the L2", cache.and("result", "miss"), l2Misses);
        counter(registry, "bulwark.cache.l2.loads", "Calls of the loader", cache.and("result", "success"), loads);
        counter(registry, "bulwark.cache.l2.loads", "Calls of the loader", cache.and("result", "failure"), loadFailures);
        FunctionTimer.builder("bulwark.cache.l2.load.duration", this, m -> m.loads.sum() + m.loadFailures.sum(),
                        m -> m.loadNanos.sum(), TimeUnit.NANOSECONDS)
                .description("Time spent in the loader").tags(cache).register(registry);
        counter(registry, "bulwark.cache.l2.evictions", "L2 entries dropped when read, by cause",
                cache.and("cause", "expired"), l2Expired);
        counter(registry, "bulwark.cache.l2.evictions", "L2 entries dropped when read, by cause",
                cache.and("cause", "unreadable"), l2Unreadable);
        counter(registry, "bulwark.cache.l2.bypassed", "Operations that skipped Redis while it did not answer",
                cache, l2Bypassed);
        counter(registry, "bulwark.cache.fleet.locks", "Fleet load locks", cache.and("result", "acquired"), lockAcquired);
        counter(registry, "bulwark.cache.fleet.locks", "Fleet load locks", cache.and("result", "waited"), lockWaited);
        counter(registry, "bulwark.cache.fleet.locks", "Fleet load locks", cache.and("result", "timeout"), lockTimedOut);
        Gauge.builder("bulwark.cache.l2.up", l2Up, s -> s.getAsBoolean() ? 1 : 0)
                .description("1 while the L2 is used, 0 while Redis does not answer").tags(cache)
                .strongReference(true).register(registry);
        Gauge.builder("bulwark.cache.bus.connected", busUp, s -> s.getAsBoolean() ? 1 : 0)
                .description("1 while invalidations from other nodes arrive").tags(cache)
                .strongReference(true).register(registry);
    }

    /** Removes the meters of cache {@code name}: ours and the L1 binder's ({@code cache.*}). */
    static void unbind(MeterRegistry registry, String name) {
        mine(registry, name).forEach(registry::remove);
    }

    /** The meters of cache {@code name} in {@code registry} now. */
    static List<Meter> mine(MeterRegistry registry, String name) {
        List<Meter> found = new java.util.ArrayList<>();
        for (Meter m : registry.getMeters()) {
            String id = m.getId().getName();
            if (name.equals(m.getId().getTag("cache")) && (id.startsWith("bulwark.cache.") || id.startsWith("cache."))) {
                found.add(m);
            }
        }
        return found;
    }

    /** Removes {@code meters} that are still registered as themselves (not replaced by a newer cache of the same name). */
    static void unbindOnly(MeterRegistry registry, List<Meter> meters) {
        java.util.Set<Meter> ours = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        ours.addAll(meters);
        for (Meter m : List.copyOf(registry.getMeters())) {
            if (ours.contains(m)) {
                registry.remove(m);
            }
        }
    }

    private static void counter(MeterRegistry registry, String name, String description, Tags tags, LongAdder adder) {
        FunctionCounter.builder(name, adder, LongAdder::sum).description(description).tags(tags).register(registry);
    }

    private static LongAdder[] adders(int n) {
        LongAdder[] a = new LongAdder[n];
        for (int i = 0; i < n; i++) {
            a[i] = new LongAdder();
        }
        return a;
    }

    private static long sum(LongAdder[] adders) {
        long total = 0;
        for (LongAdder a : adders) {
            total += a.sum();
        }
        return total;
    }
}
