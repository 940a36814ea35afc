package io.bulwark.server.internal.cache;

import com.fasterxml.jackson.databind.JsonNode;
import io.bulwark.cache.Cache;
import io.bulwark.cache.CacheCodec;
import io.bulwark.cache.CacheHealthCheck;
import io.bulwark.cache.CacheRedis;
import io.bulwark.cache.Caches;
import io.bulwark.cache.CacheBuilder;
import io.bulwark.core.config.ConfigKey;
import io.bulwark.core.health.HealthCheck;
import io.bulwark.server.CacheKeys;
import io.bulwark.server.StartupException;
import io.bulwark.server.capability.Capability;
import io.bulwark.server.capability.CapabilityFactory;
import io.bulwark.server.capability.ServerContext;
import io.bulwark.server.http.ApiRoutes;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Caches: those declared in config ({@code cache.<name>.*}), each a library {@link Cache} of JSON
 * values with an L1 (Caffeine), an L2 (Redis) or both, served over {@code /api/v1/caches}. Caches
 * on the same Redis URL share one {@link CacheRedis}. Their meters go to the server's registry
 * ({@code cache_*{level}} and {@code bulwark_cache_*}), their statuses to {@code /health} (DEGRADED
 * while an L2's Redis does not answer: the cache still serves from its L1). Warm-ups
 * ({@code warmUrl}) run at start when {@code warmOnStart} says so and every {@code warmEvery}.
 *
 * <p>Made on every server, with or without caches, so the routes and the CLI always answer (an
 * empty list when none is declared).
 */
public final class CacheCapability implements Capability {

    private static final Logger LOG = LoggerFactory.getLogger(CacheCapability.class);

    /** Made always; a bad {@code cache.*} key stops the start naming the key. */
    public static final class Factory implements CapabilityFactory {
        @Override
        public String name() {
            return "cache";
        }

        @Override
        public List<ConfigKey<?>> configKeys() {
            return CacheKeys.ALL;
        }

        @Override
        public Optional<Capability> create(ServerContext ctx) {
            return Optional.of(new CacheCapability(CachesConfig.read(ctx.config()), ctx.meters(), ctx.bodyLimit()));
        }
    }

    private final Map<String, ServerCache> caches = new LinkedHashMap<>();
    private final Map<String, CacheRedis> redis = new LinkedHashMap<>();
    private final ExecutorService executor = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("bulwark-cache-", 0).factory());
    private final ScheduledExecutorService timer =
            Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("bulwark-cache-warm").daemon(true).factory());
    private final HttpClient http;
    private final long bodyLimit;

    /**
     * Builds every cache of {@code specs}; a cache whose Redis does not answer starts degraded.
     *
     * @throws StartupException when a cache cannot be built
     */
    CacheCapability(List<CacheSpec> specs, MeterRegistry meters, long bodyLimit) {
        this.bodyLimit = bodyLimit;
        this.http = specs.stream().anyMatch(s -> s.warmUrl().isPresent())
                ? HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).executor(executor)
                        .followRedirects(HttpClient.Redirect.NORMAL).build()
                : null;
        try {
            for (CacheSpec spec : specs) {
                caches.put(spec.name(), build(spec, meters));
            }
        } catch (RuntimeException e) {
            close();
            throw e instanceof StartupException ? e : new StartupException("cannot build the caches: " + e.getMessage(), e);
        }
        if (!caches.isEmpty()) {
            LOG.info("Caches: {}", caches.values().stream().map(c -> c.cache().config().toString()).toList());
        }
    }

    private ServerCache build(CacheSpec spec, MeterRegistry meters) {
        CacheBuilder<String, JsonNode> b = Caches.builder(spec.config(), CacheCodec.json(JsonNode.class))
                .executor(executor).meterRegistry(meters);
        spec.redis().ifPresent(uri -> b.l2(redis.computeIfAbsent(uri, CacheRedis::connect)));
        HttpWarmer warmer = spec.warmUrl().map(u -> new HttpWarmer(u, http)).orElse(null);
        if (warmer != null) {
            b.warmer(warmer, false); // the capability starts warm-ups itself, once the server listens
        }
        return new ServerCache(spec, b.build(), warmer);
    }

    @Override
    public String name() {
        return "cache";
    }

    /** The cache named {@code name}, if declared. */
    Optional<ServerCache> cache(String name) {
        return Optional.ofNullable(caches.get(name));
    }

    /** The declared cache named {@code name}, for other capabilities (the gateway's answer cache). */
    public Optional<io.bulwark.cache.Cache<String, JsonNode>> named(String name) {
        return cache(name).map(ServerCache::cache);
    }

    /** The names of the declared caches. */
    public java.util.Set<String> names() {
        return java.util.Set.copyOf(caches.keySet());
    }

    /** Every cache, by name. */
    List<ServerCache> caches() {
        return List.copyOf(caches.values());
    }

    @Override
    public void routes(ApiRoutes routes) {
        new CacheRoutes(this, bodyLimit).register(routes);
    }

    @Override
    public List<HealthCheck> healthChecks() {
        if (caches.isEmpty()) {
            return List.of();
        }
        List<Cache<?, ?>> all = new ArrayList<>();
        caches.values().forEach(c -> all.add(c.cache()));
        return List.of(new CacheHealthCheck(() -> all));
    }

    @Override
    public void start() {
        for (ServerCache c : caches.values()) {
            if (c.spec().warmOnStart()) {
                c.warm();
            }
            c.spec().warmEvery().ifPresent(every -> timer.scheduleAtFixedRate(() -> warmQuietly(c), every.toMillis(),
                    every.toMillis(), TimeUnit.MILLISECONDS));
        }
    }

    private static void warmQuietly(ServerCache c) {
        try {
            c.warm();
        } catch (RuntimeException e) {
            LOG.warn("Scheduled warm-up of cache {} could not start ({}); the next one comes at its interval", c.name(),
                    e.toString());
        }
    }

    @Override
    public void stop(Duration grace) {
        timer.shutdownNow();
    }

    @Override
    public void close() {
        timer.shutdownNow();
        for (ServerCache c : caches.values()) {
            try {
                c.cache().close();
            } catch (RuntimeException e) {
                LOG.debug("Closing cache {}: {}", c.name(), e.toString());
            }
        }
        for (CacheRedis r : redis.values()) {
            try {
                r.close();
            } catch (RuntimeException e) {
                LOG.debug("Closing the cache connections to {}: {}", r.displayUri(), e.toString());
            }
        }
        executor.shutdownNow();
        if (http != null) {
            http.close();
        }
    }
}
