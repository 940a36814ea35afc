package io.bulwark.server.internal.ratelimit;

import io.bulwark.core.logging.LogText;
import com.fasterxml.jackson.core.JsonProcessingException;
import io.bulwark.core.config.BulwarkConfig;
import io.bulwark.core.config.ConfigKey;
import io.bulwark.core.json.Json;
import io.bulwark.core.state.StateEntry;
import io.bulwark.core.state.StateStore;
import io.bulwark.ratelimit.RateLimitMetrics;
import io.bulwark.ratelimit.RateLimiter;
import io.bulwark.ratelimit.RateLimiterFactory;
import io.bulwark.ratelimit.RateLimiterRegistry;
import io.bulwark.server.RateLimitKeys;
import io.bulwark.server.StartupException;
import io.bulwark.server.http.ApiException;
import io.bulwark.server.http.FieldError;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * The server's endpoint limits: read from bulwark.yaml, overlaid by changes made over the API
 * (kept in the {@link StateStore} under kind {@value #KIND}, so they survive a restart), and
 * the limiters enforcing them.
 *
 * <h2>Design notes</h2>
 * The request path reads one volatile, immutable list of endpoint limits; a change builds a
 * whole new list (validating everything first, applying nothing on error), persists it, then
 * swaps the reference. Changes are serialised by a {@link ReentrantLock}: they are rare, and
 * the persistence they do may block.
 */
public final class RateLimitRuntime implements AutoCloseable {

    /** The state-store kind of endpoint limits changed over the API. */
    public static final String KIND = "rate-limits";

    private static final Logger LOG = LoggerFactory.getLogger(RateLimitRuntime.class);
    private static final String PREFIX = "ratelimit.endpoints.";

    private final StateStore store;
    private final RateLimiterRegistry limiters;
    private final TrustedProxies proxies;
    private final boolean ietfHeaders;
    private final int maxKeys;
    private final ReentrantLock changes = new ReentrantLock();
    private final io.bulwark.redis.RedisConnections redis;
    private final io.bulwark.redis.ratelimit.RedisRateLimiterFactory redisFactory;
    private volatile Map<String, EndpointLimit> endpoints;
    private volatile Map<String, String> sources;
    /** The stored JSON last applied, by limit: what another node changed since shows as a difference. */
    private final Map<String, String> appliedJson = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * Reads the endpoint limits from {@code config}, then those stored by earlier API changes.
     *
     * @throws StartupException naming each bad key
     */
    public RateLimitRuntime(BulwarkConfig config, StateStore store, MeterRegistry meters, java.time.InstantSource clock,
                            LongSupplier ticker) {
        this.store = store;
        this.proxies = config.find(RateLimitKeys.TRUSTED_PROXIES).map(TrustedProxies::parse).orElse(TrustedProxies.none());
        this.ietfHeaders = config.get(RateLimitKeys.IETF_HEADERS);
        this.maxKeys = config.get(RateLimitKeys.MAX_KEYS);
        RateLimiterFactory factory = RateLimiterFactory.local(ticker);
        Optional<String> redisUri = config.find(RateLimitKeys.REDIS_URI);
        if (redisUri.isPresent()) {
            try {
                this.redis = io.bulwark.redis.RedisConnections.builder().uri(redisUri.get())
                        .commandTimeout(config.get(RateLimitKeys.REDIS_COMMAND_TIMEOUT)).build();
                this.redisFactory = new io.bulwark.redis.ratelimit.RedisRateLimiterFactory(redis,
                        io.bulwark.redis.ratelimit.RedisLimiterOptions.builder()
                                .failureMode(config.get(RateLimitKeys.REDIS_FAILURE_MODE))
                                .expectedNodes(config.get(RateLimitKeys.REDIS_EXPECTED_NODES))
                                .recoveryBackoff(config.get(RateLimitKeys.REDIS_RECOVERY_BACKOFF)).build(),
                        clock, ticker, meters);
            } catch (IllegalArgumentException e) {
                throw new StartupException("ratelimit.redis: " + e.getMessage());
            }
            factory = redisFactory;
        } else {
            this.redis = null;
            this.redisFactory = null;
        }
        this.limiters = RateLimiterRegistry.of(new RateLimitMetrics(meters).instrument(factory));

        Map<String, EndpointSpec> specs = new TreeMap<>();
        collect(config, RateLimitKeys.ENDPOINT_ROUTE, specs, v -> new EndpointSpec(v, null, null, null, null));
        collect(config, RateLimitKeys.ENDPOINT_LIMITS, specs, v -> new EndpointSpec(null, v, null, null, null));
        collect(config, RateLimitKeys.ENDPOINT_ALGORITHM, specs, v -> new EndpointSpec(null, null, v, null, null));
        collect(config, RateLimitKeys.ENDPOINT_KEY, specs, v -> new EndpointSpec(null, null, null, v, null));
        collect(config, RateLimitKeys.ENDPOINT_BYPASS, specs, v -> new EndpointSpec(null, null, null, null, v));
        List<FieldError> errors = new ArrayList<>();
        Map<String, EndpointLimit> built = new TreeMap<>();
        Map<String, String> origin = new TreeMap<>();
        specs.forEach((name, spec) -> {
            EndpointLimit e = spec.validate(name, PREFIX + name, maxKeys, errors);
            if (e != null) {
                built.put(name, e);
                origin.put(name, "config");
            }
        });
        if (!errors.isEmpty()) {
            throw new StartupException("invalid rate-limit configuration: " + String.join("; ",
                    errors.stream().map(f -> f.field() + ": " + f.message()).toList()));
        }
        for (StateEntry entry : store.list(KIND)) {
            List<FieldError> stored = new ArrayList<>();
            EndpointLimit e = read(entry.json()).validate(entry.name(), KIND + "/" + entry.name(), maxKeys, stored);
            if (e == null) {
                LOG.warn("Ignoring the stored rate limit '{}' ({}); the bulwark.yaml setting, if any, applies. "
                        + "Fix it with PUT /api/v1/rate-limits", LogText.safe(entry.name()), LogText.safe(stored.toString(), 2000));
            } else {
                built.put(entry.name(), e);
                origin.put(entry.name(), "api");
            }
            appliedJson.put(entry.name(), entry.json());
        }
        built.values().forEach(e -> limiters.replace(e.name(), e.config()));
        this.endpoints = Map.copyOf(built);
        this.sources = Map.copyOf(origin);
    }

    private static void collect(BulwarkConfig config, ConfigKey<String> key, Map<String, EndpointSpec> specs,
                                java.util.function.Function<String, EndpointSpec> one) {
        String suffix = key.name().substring(key.name().lastIndexOf('.'));
        config.getAll(key).forEach((concrete, value) -> {
            String name = concrete.substring(PREFIX.length(), concrete.length() - suffix.length());
            specs.put(name, one.apply(value).merge(specs.get(name)));
        });
    }

    /** The Redis limiter factory when limits are on Redis, for other limits to share (providers'). */
    public Optional<RateLimiterFactory> sharedFactory() {
        return Optional.ofNullable(redisFactory);
    }

    /** The health check of the Redis limiters (degraded while one falls back), when limits are on Redis. */
    public Optional<io.bulwark.core.health.HealthCheck> redisHealth() {
        return Optional.ofNullable(redisFactory).map(io.bulwark.redis.ratelimit.RedisRateLimiterFactory::healthCheck);
    }

    /** Closes the Redis connection, if any. */
    @Override
    public void close() {
        if (redis != null) {
            redis.close();
        }
    }

    /**
     * The endpoint limit covering a request Javalin matched to {@code method path}, if any;
     * when several cover the same route, the first by name applies.
     */
    public Optional<EndpointLimit> match(String method, String path) {
        for (EndpointLimit e : endpoints.values()) {
            if (e.route().matches(method, path)) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }

    /** Every endpoint limit, by name. */
    public Collection<EndpointLimit> all() {
        return new TreeMap<>(endpoints).values();
    }

    /** Where {@code name}'s setting came from: {@code config} or {@code api}. */
    public String source(String name) {
        return sources.getOrDefault(name, "config");
    }

    /** The limiter of {@code name}, if there is such an endpoint limit. */
    public Optional<RateLimiter> limiter(String name) {
        return endpoints.containsKey(name) ? limiters.find(name) : Optional.empty();
    }

    /** Whose X-Forwarded-For is believed. */
    public TrustedProxies proxies() {
        return proxies;
    }

    /** True when the IETF RateLimit headers are sent too. */
    public boolean ietfHeaders() {
        return ietfHeaders;
    }

    /**
     * Creates or changes the endpoint limits in {@code changes} (fields left null keep their
     * current value): all validated first, nothing applied when any is bad.
     *
     * @throws ApiException 400 naming each bad field as {@code endpoints.<name>.<field>}
     */
    public void apply(Map<String, EndpointSpec> changes) {
        this.changes.lock();
        try {
            Map<String, EndpointLimit> current = endpoints;
            List<FieldError> errors = new ArrayList<>();
            Map<String, EndpointLimit> next = new TreeMap<>(current);
            Map<String, EndpointSpec> merged = new TreeMap<>();
            changes.forEach((name, spec) -> {
                if (spec == null) {
                    errors.add(new FieldError("endpoints." + name, "must be an object with route, limits, algorithm, key, bypass"));
                    return;
                }
                EndpointLimit old = current.get(name);
                EndpointSpec full = spec.merge(old == null ? null : EndpointSpec.of(old));
                EndpointLimit e = full.validate(name, "endpoints." + name, maxKeys, errors);
                if (e != null) {
                    next.put(name, e);
                    merged.put(name, full);
                }
            });
            if (changes.isEmpty()) {
                errors.add(new FieldError("endpoints", "must name at least one endpoint limit"));
            }
            if (!errors.isEmpty()) {
                throw ApiException.validation("invalid rate limits; nothing was changed", errors);
            }
            merged.forEach((name, spec) -> {
                String json = write(spec);
                store.put(KIND, name, json);
                appliedJson.put(name, json);
            });
            Map<String, String> origin = new TreeMap<>(sources);
            merged.keySet().forEach(name -> {
                limiters.replace(name, next.get(name).config());
                origin.put(name, "api");
                LOG.info("Rate limit '{}' is now {} (changed over the API, kept across restarts)", LogText.safe(name),
                        LogText.safe(merged.get(name).describe(), 2000));
            });
            endpoints = Map.copyOf(next);
            sources = Map.copyOf(origin);
        } finally {
            this.changes.unlock();
        }
    }

    /**
     * Applies endpoint limits that another node changed over its API since this node last looked:
     * run every second on a shared store, so a {@code limits set} on any node holds on every node
     * within about a second. A stored limit that does not validate is skipped with one warning.
     *
     * @return how many limits changed here
     */
    public int syncFromStore() {
        List<StateEntry> entries = store.list(KIND);
        this.changes.lock();
        try {
            Map<String, EndpointLimit> next = new TreeMap<>(endpoints);
            Map<String, String> origin = new TreeMap<>(sources);
            int changed = 0;
            for (StateEntry entry : entries) {
                if (entry.json().equals(appliedJson.get(entry.name()))) {
                    continue;
                }
                appliedJson.put(entry.name(), entry.json());
                List<FieldError> bad = new ArrayList<>();
                EndpointLimit e = read(entry.json()).validate(entry.name(), KIND + "/" + entry.name(), maxKeys, bad);
                if (e == null) {
                    LOG.warn("Ignoring the rate limit '{}' another node stored ({}); this node keeps its current one",
                            LogText.safe(entry.name()), LogText.safe(bad.toString(), 2000));
                    continue;
                }
                limiters.replace(entry.name(), e.config());
                next.put(entry.name(), e);
                origin.put(entry.name(), "api");
                changed++;
                LOG.info("Rate limit '{}' is now {} (changed over the API of another node)", LogText.safe(entry.name()),
                        LogText.safe(read(entry.json()).describe(), 2000));
            }
            if (changed > 0) {
                endpoints = Map.copyOf(next);
                sources = Map.copyOf(origin);
            }
            return changed;
        } finally {
            this.changes.unlock();
        }
    }

    private static EndpointSpec read(String json) {
        try {
            return Json.mapper().readValue(json, EndpointSpec.class);
        } catch (JsonProcessingException e) {
            return new EndpointSpec(null, null, null, null, null);
        }
    }

    private static String write(EndpointSpec spec) {
        try {
            return Json.mapper().writeValueAsString(spec);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
