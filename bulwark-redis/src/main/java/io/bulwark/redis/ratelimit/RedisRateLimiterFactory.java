package io.bulwark.redis.ratelimit;

import io.bulwark.core.health.HealthCheck;
import io.bulwark.ratelimit.RateLimitConfig;
import io.bulwark.ratelimit.RateLimiterFactory;
import io.bulwark.redis.RedisConnections;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Builds {@link RedisRateLimiter}s for a {@link io.bulwark.ratelimit.RateLimiterRegistry}, all
 * on one {@link RedisConnections} with the same options, and remembers the latest limiter of each
 * name so that one health check covers them even when the registry holds them wrapped (by
 * {@link io.bulwark.ratelimit.RateLimitMetrics}, say).
 *
 * <pre>{@code
 * RedisRateLimiterFactory redisLimiters = new RedisRateLimiterFactory(redis, options,
 *         InstantSource.system(), System::nanoTime, meters);
 * RateLimiterRegistry limiters = RateLimiterRegistry.of(new RateLimitMetrics(meters).instrument(redisLimiters));
 * health.register(redisLimiters.healthCheck());
 * }</pre>
 */
public final class RedisRateLimiterFactory implements RateLimiterFactory {

    private final RedisConnections redis;
    private final RedisLimiterOptions options;
    private final InstantSource clock;
    private final LongSupplier ticker;
    private final MeterRegistry meters;
    private final Map<String, RedisRateLimiter> latest = new ConcurrentHashMap<>();

    /** A factory of limiters on {@code redis}, with {@code options}, time and metrics as given. */
    public RedisRateLimiterFactory(RedisConnections redis, RedisLimiterOptions options, InstantSource clock,
                                   LongSupplier ticker, MeterRegistry meters) {
        this.redis = Objects.requireNonNull(redis, "redis");
        this.options = Objects.requireNonNull(options, "options");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.ticker = Objects.requireNonNull(ticker, "ticker");
        this.meters = Objects.requireNonNull(meters, "meterRegistry");
    }

    /** A limiter enforcing {@code config}; it replaces any earlier limiter of the same name in {@link #limiters()}. */
    @Override
    public RedisRateLimiter create(RateLimitConfig config) {
        // built before it is published: the map never holds a lock around building
        RedisRateLimiter limiter = RedisRateLimiter.builder(config, redis).options(options)
                .clock(clock).ticker(ticker).meterRegistry(meters).build();
        latest.put(config.name(), limiter);
        return limiter;
    }

    /** The latest limiter built for each name. */
    public List<RedisRateLimiter> limiters() {
        return List.copyOf(latest.values());
    }

    /** Forgets the limiter of {@code name} (after the registry removed it), so health no longer reports it. */
    public void forget(String name) {
        latest.remove(name);
    }

    /** One {@code /health} check over {@link #limiters()}. */
    public HealthCheck healthCheck() {
        return new RedisLimiterHealthCheck(this::limiters);
    }
}
