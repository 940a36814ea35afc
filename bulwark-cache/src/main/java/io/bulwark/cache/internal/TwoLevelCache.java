package io.bulwark.cache.internal;

import io.bulwark.cache.Cache;
import io.bulwark.cache.CacheConfig;
import io.bulwark.cache.CacheStats;
import io.bulwark.cache.CacheStatus;
import io.bulwark.cache.Warming;
import io.bulwark.core.health.HealthStatus;
import io.micrometer.core.instrument.Meter;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Cache}: an optional {@link L1}, an optional {@link L2}, the load path between them
 * ({@link Loads}) and the messages from other nodes.
 *
 * <p>Design notes. A read goes L1, then L2, then the loader; the value found lower is stored
 * higher. Writes and invalidations go to the L2 first (which broadcasts them in the same script)
 * and then to this node's L1, so a concurrent read on this node cannot put the old L2 value back
 * into the L1 after it was dropped; a load in flight when an invalidation arrives is dropped from
 * the L1, and its fill is refused by the L2's change counter. This instance ignores its own
 * messages. When the subscription comes back after a disconnection, or Redis after an outage,
 * the L1 is emptied: messages sent meanwhile were lost.
 */
public final class TwoLevelCache<K, V> implements Cache<K, V> {

    private static final Logger LOG = LoggerFactory.getLogger(TwoLevelCache.class);

    private final CacheConfig config;
    private final Parts<K, V> parts;
    /** {@code parts.keyEncoder()} and {@code parts.clock()}, held here for the hit path. */
    private final Function<? super K, String> keyEncoder;
    private final InstantSource clock;
    /** Whether a hit may start an early refresh (beta above 0): when not, a hit skips the check. */
    private final boolean refreshesEarly;
    private final String origin = UUID.randomUUID().toString();
    private final CacheMeters meters = new CacheMeters();
    private final L1<V> l1;
    private final L2<V> l2;
    private final Loads<K, V> loads;
    private final EarlyRefresh early;
    private final InFlight<V> inFlight = new InFlight<>();
    private final Set<String> refreshing = ConcurrentHashMap.newKeySet();
    private final Warmup<K, V> warmup;
    private final RedisKeys keys;
    private final RedisLink.Subscriber subscriber;
    private final boolean listens;
    private final AtomicReference<Instant> busDownSince = new AtomicReference<>();
    private final Instant created;
    private final List<Meter> boundMeters;

    /** A cache of {@code parts}; see {@link io.bulwark.cache.CacheBuilder#build()}. */
    public TwoLevelCache(Parts<K, V> parts) {
        this.parts = parts;
        this.config = parts.config();
        this.keyEncoder = parts.keyEncoder();
        this.clock = parts.clock();
        this.refreshesEarly = config.earlyRefreshBeta() != 0;
        this.created = parts.clock().instant();
        this.early = new EarlyRefresh(config.earlyRefreshBeta());
        this.keys = new RedisKeys(config.namespace(), config.name(), config.version());
        if (config.l2()) {
            Failover failover = new Failover(config.recoveryBackoff().toNanos(), parts.clock(), parts.ticker()::read);
            this.l2 = new L2<>(config.name(), parts.redis(), keys, parts.codec(), failover, meters, parts.clock(), origin,
                    this::emptyL1);
        } else {
            this.l2 = null;
        }
        this.listens = l2 != null && (config.l1() || config.fleetLock().isPresent());
        this.loads = new Loads<>(config, parts, l2, meters);
        this.l1 = config.l1()
                ? new L1<>(config.maximumSize(), parts.maximumWeight(), parts.weigher(), config.ttl(), config.refreshAfter().orElse(null),
                        parts.ticker(), parts.clock(), parts.executor(), loads::reload, meters)
                : null;
        this.warmup = parts.warmer() == null ? null : new Warmup<>(config.name(), parts.warmer(), config.warmBatchSize(),
                parts.executor(), parts.clock(), this::getAll);
        if (parts.registry() != null) {
            CacheMeters.unbind(parts.registry(), config.name()); // a cache rebuilt under this name takes its meters over
            meters.bind(parts.registry(), config.name(), l1 != null, l2 != null,
                    () -> l2 != null && !l2.state().degraded(), () -> !listens || parts.redis().busConnected(),
                    () -> l2 == null ? -1 : l2.size());
            if (l1 != null) {
                l1.bind(parts.registry(), config.name());
            }
            if (warmup != null) {
                warmup.bind(parts.registry());
            }
            this.boundMeters = CacheMeters.mine(parts.registry(), config.name());
        } else {
            this.boundMeters = List.of();
        }
        this.subscriber = new RedisLink.Subscriber() {
            @Override
            public void message(String text) {
                onMessage(text);
            }

            private final AtomicBoolean first = new AtomicBoolean(true);

            @Override
            public void subscribed() {
                // The first confirmation is the subscription made at build (it may arrive while the
                // first loads run); a later one follows a reconnection, after which messages were lost.
                if (!first.getAndSet(false)) {
                    emptyL1();
                }
            }
        };
        if (listens) {
            parts.redis().subscribe(keys.channel(), subscriber);
        }
    }

    @Override
    public String name() {
        return config.name();
    }

    @Override
    public CacheConfig config() {
        return config;
    }

    @Override
    public V get(K key, Function<? super K, ? extends V> loader) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(loader, "loader");
        String k = encode(key);
        if (l1 != null) {
            // The hit path: one lookup, one clock read (expiry and early refresh), one count, no
            // allocation. A miss goes on to load(), a method of its own.
            long now = clock.millis();
            Entry<V> hit = l1.getLoaded(k, now);
            if (hit != null) {
                if (refreshesEarly) {
                    refreshIfDue(k, hit, now);
                }
                return hit.value();
            }
        }
        return load(key, k, loader);
    }

    /** The miss path of {@link #get(Object, Function)}: one load per key and node at a time. */
    private V load(K key, String k, Function<? super K, ? extends V> loader) {
        Source<K, V> source = new Source<>(key, loader);
        Entry<V> e = l1 != null ? l1.get(k, () -> loads.miss(k, source)) : inFlight.run(k, () -> loads.miss(k, source));
        if (e == null) {
            return null;
        }
        refreshIfDue(k, e);
        return e.value();
    }

    @Override
    public V get(K key) {
        return get(key, defaultLoader());
    }

    @Override
    public Optional<V> getIfPresent(K key) {
        String k = encode(Objects.requireNonNull(key, "key"));
        if (l1 != null) {
            Entry<V> e = l1.getIfPresent(k);
            if (e != null) {
                return Optional.of(e.value());
            }
        }
        if (l2 == null) {
            return Optional.empty();
        }
        L2.Lookup<V> found = l2.read(k);
        if (!found.hit()) {
            return Optional.empty();
        }
        Entry<V> e = found.entry().withSource(loads.defaultSource(key));
        if (l1 != null) {
            l1.put(k, e);
        }
        return Optional.of(e.value());
    }

    @Override
    public Map<K, V> getAll(Collection<? extends K> keyList, Function<? super Set<K>, ? extends Map<K, V>> loader) {
        Objects.requireNonNull(loader, "loader");
        Map<String, K> byName = new LinkedHashMap<>();
        for (K key : keyList) {
            byName.put(encode(Objects.requireNonNull(key, "a key of getAll")), key);
        }
        Map<String, Entry<V>> found = l1 != null
                ? l1.getAll(byName.keySet(), missing -> loads.missAll(missing, byName, loader))
                : loads.missAll(byName.keySet(), byName, loader);
        Map<K, V> out = new LinkedHashMap<>();
        byName.forEach((name, key) -> {
            Entry<V> e = found.get(name);
            if (e != null) {
                out.put(key, e.value());
            }
        });
        return out;
    }

    @Override
    public Map<K, V> getAll(Collection<? extends K> keyList) {
        Function<? super K, ? extends V> one = defaultLoader();
        return getAll(keyList, batch -> {
            Map<K, V> values = new HashMap<>();
            for (K key : batch) {
                V v = one.apply(key);
                if (v != null) {
                    values.put(key, v);
                }
            }
            return values;
        });
    }

    @Override
    public void put(K key, V value) {
        put(key, value, Set.of());
    }

    @Override
    public void put(K key, V value, Set<String> tags) {
        put(key, value, tags, config.ttl());
    }

    @Override
    public void put(K key, V value, Set<String> tags, Duration ttl) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value (a cache holds no null; invalidate the key instead)");
        Objects.requireNonNull(ttl, "ttl");
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("ttl must be > 0 but was " + ttl);
        }
        tags.forEach(CacheConfig::requireValidTag);
        String k = encode(key);
        Entry<V> e = loads.entry(key, value, tags, 0, loads.defaultSource(key), ttl);
        if (l2 != null) {
            l2.put(k, e);
        }
        if (l1 != null) {
            l1.put(k, e);
        }
    }

    @Override
    public void invalidate(K key) {
        String k = encode(Objects.requireNonNull(key, "key"));
        if (l2 != null) {
            l2.invalidate(k);
        }
        if (l1 != null) {
            l1.invalidate(k);
            meters.l1Invalidated(CacheMeters.Scope.KEY, false);
        }
    }

    @Override
    public void invalidateTag(String tag) {
        CacheConfig.requireValidTag(tag);
        if (l2 != null) {
            l2.invalidateTag(tag);
        }
        if (l1 != null) {
            l1.invalidateTag(tag);
            meters.l1Invalidated(CacheMeters.Scope.TAG, false);
        }
    }

    @Override
    public void invalidateAll() {
        if (l2 != null) {
            l2.invalidateAll();
        }
        if (l1 != null) {
            l1.invalidateAll();
            meters.l1Invalidated(CacheMeters.Scope.ALL, false);
        }
    }

    @Override
    public Warming warm() {
        if (warmup == null) {
            throw new IllegalStateException("cache '" + name() + "' has no warmer; set CacheBuilder.warmer(...)");
        }
        return warmup.start();
    }

    @Override
    public CacheStatus status() {
        if (l2 == null) {
            return new CacheStatus(name(), HealthStatus.UP, created, Optional.empty(), false, false);
        }
        l2.probe();
        RedisLink redis = parts.redis();
        if (listens && !redis.busConnected()) {
            redis.ensureBus();
        }
        Failover.State s = l2.state();
        boolean bus = !listens || redis.busConnected();
        Instant busDown = bus ? null : busDownSince.updateAndGet(t -> t == null ? parts.clock().instant() : t);
        if (bus) {
            busDownSince.set(null);
        }
        boolean degraded = s.degraded() || !bus;
        Instant since = s.degraded() ? s.since() : busDown != null ? busDown : s.since();
        return new CacheStatus(name(), degraded ? HealthStatus.DEGRADED : HealthStatus.UP, since, s.lastError(), true,
                listens && redis.busConnected());
    }

    @Override
    public CacheStats stats() {
        Optional<CacheStats.Level> first = Optional.empty();
        if (l1 != null) {
            com.github.benmanes.caffeine.cache.stats.CacheStats s = l1.stats();
            first = Optional.of(new CacheStats.Level(l1.size(), s.hitCount(), s.missCount(), s.loadCount(),
                    s.loadFailureCount(), Duration.ofNanos(s.totalLoadTime()), s.evictionCount(), meters.l1EvictionsByCause(),
                    meters.l1Invalidations()));
        }
        Optional<CacheStats.Level> second = Optional.empty();
        if (l2 != null) {
            second = Optional.of(new CacheStats.Level(l2.size(), meters.l2Hits.sum(), meters.l2Misses.sum(),
                    meters.loads.sum() + meters.loadFailures.sum(), meters.loadFailures.sum(),
                    Duration.ofNanos(meters.loadNanos.sum()), meters.l2Expired.sum() + meters.l2Unreadable.sum(),
                    Map.of("expired", meters.l2Expired.sum(), "unreadable", meters.l2Unreadable.sum()),
                    meters.l2Invalidations()));
        }
        return new CacheStats(name(), first, second);
    }

    @Override
    public void close() {
        if (parts.registry() != null) {
            CacheMeters.unbindOnly(parts.registry(), boundMeters);
        }
        if (listens) {
            parts.redis().unsubscribe(keys.channel(), subscriber);
        }
        if (parts.ownsRedis() != null) {
            try {
                parts.ownsRedis().close();
            } catch (Exception e) {
                LOG.warn("Closing the Redis connections of cache '{}' failed", name(), e);
            }
        }
    }

    @Override
    public String toString() {
        return "Cache[" + config + "]";
    }

    /** Warm-up on start, when configured; called by the builder once the cache is ready. */
    public void started() {
        if (config.warmOnStart()) {
            warm();
        }
    }

    private void refreshIfDue(String k, Entry<V> e) {
        if (refreshMayBeDue(e)) {
            refreshIfDue(k, e, parts.clock().millis());
        }
    }

    /** False when no refresh can be due for {@code e}, so that the clock need not be read. */
    private boolean refreshMayBeDue(Entry<V> e) {
        return early.applies(e) || (l1 == null && config.refreshAfter().isPresent());
    }

    private void refreshIfDue(String k, Entry<V> e, long now) {
        if (!refreshMayBeDue(e)) {
            return;
        }
        if (early.due(e, now)) {
            meters.earlyRefreshes.increment();
            refresh(k, e);
        } else if (l1 == null && e.source() != null && config.refreshAfter().isPresent()
                && now - e.writtenAtMillis() >= config.refreshAfter().get().toMillis()) {
            refresh(k, e); // with an L1, Caffeine's refresh-after-write does this
        }
    }

    private void refresh(String k, Entry<V> e) {
        if (l1 != null) {
            l1.refresh(k);
            return;
        }
        if (!refreshing.add(k)) {
            return;
        }
        try {
            parts.executor().execute(() -> {
                try {
                    loads.reload(k, e);
                } catch (RuntimeException ex) {
                    LOG.warn("Cache '{}': refreshing key '{}' failed; the entry is served until it expires", name(), k, ex);
                } finally {
                    refreshing.remove(k);
                }
            });
        } catch (RejectedExecutionException ex) {
            refreshing.remove(k);
        }
    }

    private void onMessage(String text) {
        Message m = Message.parse(text);
        if (m == null || m.origin().equals(origin)) {
            return;
        }
        switch (m.type()) {
            case Message.KEY -> {
                if (l1 != null) {
                    l1.invalidate(m.argument());
                    meters.l1Invalidated(CacheMeters.Scope.KEY, true);
                }
            }
            case Message.TAG -> {
                if (l1 != null) {
                    l1.invalidateTag(m.argument());
                    meters.l1Invalidated(CacheMeters.Scope.TAG, true);
                }
            }
            case Message.ALL -> {
                if (l1 != null) {
                    l1.invalidateAll();
                    meters.l1Invalidated(CacheMeters.Scope.ALL, true);
                }
            }
            case Message.FILLED -> loads.filled(m.argument());
            default -> LOG.debug("Cache '{}' ignores a message of unknown type: {}", name(), text);
        }
    }

    private void emptyL1() {
        if (l1 != null) {
            l1.invalidateAll();
        }
    }

    private String encode(K key) {
        String k = keyEncoder.apply(key);
        if (k == null) {
            throw nullEncoding(key);
        }
        return k;
    }

    private IllegalArgumentException nullEncoding(K key) {
        return new IllegalArgumentException("the key encoder of cache '" + name() + "' returned null for key " + key);
    }

    private Function<? super K, ? extends V> defaultLoader() {
        if (parts.loader() == null) {
            throw new IllegalStateException("cache '" + name() + "' has no loader; call get(key, loader) or set CacheBuilder.loader(...)");
        }
        return parts.loader();
    }

    /** Collects tags: the cache's, the call's, the tagger's. */
    static Set<String> union(Set<String> a, Collection<String> b) {
        if (b.isEmpty()) {
            return a;
        }
        Set<String> all = new LinkedHashSet<>(a);
        all.addAll(b);
        return all;
    }
}
