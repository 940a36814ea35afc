package io.bulwark.cache;

import io.bulwark.core.health.HealthCheck;
import io.bulwark.core.health.HealthResult;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * {@code /health} for caches: UP while every cache works as built, DEGRADED while any runs without
 * its L2 or its invalidation bus (with, per cache, its status, since when and the last error).
 * Never DOWN and not a readiness check: a degraded cache still serves, from the loader.
 *
 * <pre>{@code
 * health.register(new CacheHealthCheck(() -> List.of(products, prices)));
 * }</pre>
 */
public final class CacheHealthCheck implements HealthCheck {

    private final Supplier<? extends Collection<? extends Cache<?, ?>>> caches;

    /** A check over the caches {@code caches} returns at each run (a registry's current ones). */
    public CacheHealthCheck(Supplier<? extends Collection<? extends Cache<?, ?>>> caches) {
        this.caches = Objects.requireNonNull(caches, "caches");
    }

    @Override
    public String name() {
        return "cache";
    }

    @Override
    public boolean readiness() {
        return false;
    }

    @Override
    public HealthResult check() {
        Map<String, Object> details = new LinkedHashMap<>();
        boolean degraded = false;
        for (Cache<?, ?> cache : caches.get()) {
            CacheStatus s = cache.status();
            degraded |= s.degraded();
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("status", s.status().name());
            one.put("since", s.since().toString());
            if (s.l2()) {
                one.put("bus", s.busConnected() ? "connected" : "disconnected");
            }
            s.lastError().ifPresent(e -> one.put("lastError", e));
            details.put(cache.name(), one);
        }
        return degraded ? HealthResult.degraded(details) : HealthResult.up(details);
    }
}
