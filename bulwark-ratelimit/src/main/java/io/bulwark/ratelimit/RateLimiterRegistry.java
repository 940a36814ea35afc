package io.bulwark.ratelimit;

import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.LongSupplier;

/**
 * Named rate limiters. Limiters are built outside any map lock (a factory may do I/O, and
 * virtual threads must not pin), then published atomically; {@link #replace} swaps a
 * limiter's config at runtime (its per-key state starts afresh).
 *
 * <pre>{@code
 * RateLimiterRegistry limiters = RateLimiterRegistry.local(System::nanoTime);
 * limiters.register(RateLimitConfig.builder("jobs-api").limits("100/1m").build());
 * Decision d = limiters.limiter("jobs-api").tryAcquire(keyId);
 * limiters.replace("jobs-api", RateLimitConfig.builder("jobs-api").limits("200/1m").build());
 * }</pre>
 */
public final class RateLimiterRegistry {

    private final RateLimiterFactory factory;
    private final ConcurrentMap<String, RateLimiter> limiters = new ConcurrentHashMap<>();

    private RateLimiterRegistry(RateLimiterFactory factory) {
        this.factory = Objects.requireNonNull(factory, "factory");
    }

    /** A registry building its limiters with {@code factory}. */
    public static RateLimiterRegistry of(RateLimiterFactory factory) {
        return new RateLimiterRegistry(factory);
    }

    /** A registry of {@link LocalRateLimiter}s reading {@code nanoTicker}. */
    public static RateLimiterRegistry local(LongSupplier nanoTicker) {
        return of(RateLimiterFactory.local(nanoTicker));
    }

    /**
     * Adds a limiter for {@code config}.
     *
     * @throws IllegalStateException when a limiter of that name exists
     */
    public RateLimiter register(RateLimitConfig config) {
        RateLimiter built = factory.create(config);
        RateLimiter prior = limiters.putIfAbsent(config.name(), built);
        if (prior != null) {
            throw new IllegalStateException("rate limiter '" + config.name() + "' exists (limits "
                    + prior.config().limitsSpec() + "); use replace to change it");
        }
        return built;
    }

    /**
     * Creates or replaces the limiter {@code name} with one enforcing {@code config} (whose
     * name must be {@code name}); returns the new limiter.
     */
    public RateLimiter replace(String name, RateLimitConfig config) {
        if (!config.name().equals(name)) {
            throw new IllegalArgumentException("config name '" + config.name() + "' must equal the limiter name '" + name + "'");
        }
        RateLimiter built = factory.create(config);
        limiters.put(name, built);
        return built;
    }

    /** The limiter {@code name}, if registered. */
    public Optional<RateLimiter> find(String name) {
        return Optional.ofNullable(limiters.get(name));
    }

    /**
     * The limiter {@code name}.
     *
     * @throws NoSuchElementException naming the limiter and the registered names
     */
    public RateLimiter limiter(String name) {
        RateLimiter l = limiters.get(name);
        if (l == null) {
            throw new NoSuchElementException("no rate limiter '" + name + "'; registered: " + names());
        }
        return l;
    }

    /** Removes the limiter {@code name}; true when it existed. */
    public boolean remove(String name) {
        return limiters.remove(name) != null;
    }

    /** Every registered name, sorted. */
    public List<String> names() {
        return limiters.keySet().stream().sorted().toList();
    }

    /** Every limiter, sorted by name. */
    public List<RateLimiter> all() {
        return names().stream().map(limiters::get).filter(Objects::nonNull).toList();
    }
}
