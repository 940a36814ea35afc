package io.bulwark.redis.ratelimit;

import io.bulwark.ratelimit.Decision;
import io.bulwark.ratelimit.Limit;
import io.bulwark.ratelimit.RateLimitConfig;
import io.bulwark.ratelimit.RateLimiter;
import io.bulwark.ratelimit.Usage;
import io.bulwark.redis.RedisConnections;
import io.bulwark.redis.ratelimit.internal.Failover;
import io.bulwark.redis.ratelimit.internal.Fallback;
import io.bulwark.redis.ratelimit.internal.RedisLimiterMetrics;
import io.bulwark.redis.ratelimit.internal.ReplyReader;
import io.bulwark.redis.ratelimit.internal.ScriptPlan;
import io.lettuce.core.RedisException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.InstantSource;
import java.util.List;
import java.util.Objects;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A rate limiter shared by every node that points at the same Redis: each decision is one
 * atomic Lua script run (EVALSHA), on Redis server time, covering every limit of the config at
 * once (all-or-nothing), with the same semantics as {@link io.bulwark.ratelimit.LocalRateLimiter}.
 *
 * <pre>{@code
 * RedisConnections redis = RedisConnections.builder().uri("redis://127.0.0.1:6379")
 *         .commandTimeout(Duration.ofMillis(100)).build();
 * RedisRateLimiter limiter = RedisRateLimiter.builder(RateLimitConfig.builder("api").limits("100/1m,5000/1h").build(), redis)
 *         .options(RedisLimiterOptions.builder().failureMode(RedisFailureMode.LOCAL).expectedNodes(4).build())
 *         .clock(InstantSource.system()).ticker(System::nanoTime).meterRegistry(meters)
 *         .build();
 * Decision d = limiter.tryAcquire("key-42");
 * }</pre>
 *
 * <p>Design notes. Redis is "away" when Lettuce throws any {@link RedisException} (connection
 * refused, command timeout, a closed connection): the decision then comes from the
 * {@link RedisFailureMode}, and the limiter stays DEGRADED, not touching the network, until a
 * probe after {@link RedisLimiterOptions#recoveryBackoff()} succeeds (see {@code Failover}). A
 * timed-out call may still have been applied by Redis; it is counted as a fallback all the same.
 * Keys live in Redis with a TTL of the time after which their state equals a fresh key's, so
 * idle keys disappear on their own; {@link #trackedKeys()} is therefore unknown (-1).
 */
public final class RedisRateLimiter implements RateLimiter {

    private static final Logger LOG = LoggerFactory.getLogger(RedisRateLimiter.class);

    private final RateLimitConfig config;
    private final RedisConnections redis;
    private final RedisLimiterOptions options;
    private final ScriptPlan plan;
    private final Failover failover;
    private final Fallback fallback;
    private final RedisLimiterMetrics metrics;

    private RedisRateLimiter(Builder b) {
        this.config = b.config;
        this.redis = b.redis;
        this.options = b.options;
        this.plan = ScriptPlan.of(config, options.keyPrefix());
        this.failover = new Failover(options.failureMode(), options.recoveryBackoff(), b.clock, b.ticker);
        this.fallback = new Fallback(options.failureMode(), config, options.expectedNodes(),
                options.recoveryBackoff(), b.ticker);
        this.metrics = new RedisLimiterMetrics(b.meters, config.name(), options.failureMode(), failover);
    }

    /** A builder for a limiter enforcing {@code config} on {@code redis}. */
    public static Builder builder(RateLimitConfig config, RedisConnections redis) {
        return new Builder(config, redis);
    }

    @Override
    public RateLimitConfig config() {
        return config;
    }

    @Override
    public Decision tryAcquire(String key, long cost) {
        Objects.requireNonNull(key, "key");
        requireCost(cost);
        if (failover.tryRedis()) {
            try {
                List<Long> reply = plan.script().run(redis.connection().sync(), plan.keys(key), plan.args(cost));
                recovered();
                return ReplyReader.decision(config.limits(), reply);
            } catch (RedisException e) {
                degraded(e);
            }
        }
        metrics.fellBack();
        return fallback.decide(key, cost);
    }

    @Override
    public Usage usage(String key) {
        Objects.requireNonNull(key, "key");
        if (failover.tryRedis()) {
            try {
                List<Long> reply = plan.script().run(redis.connection().sync(), plan.keys(key), plan.args(0));
                recovered();
                return ReplyReader.usage(config.name(), key, config.limits(), reply);
            } catch (RedisException e) {
                degraded(e);
            }
        }
        return fallback.usage(key);
    }

    /** CONNECTED or DEGRADED, since when, and the last Redis error. */
    public RedisLimiterState state() {
        return failover.state();
    }

    /** The options this limiter was built with. */
    public RedisLimiterOptions options() {
        return options;
    }

    @Override
    public String toString() {
        return "RedisRateLimiter[" + config.name() + " " + config.limitsSpec() + " on " + redis.displayUri()
                + ", " + failover.state().status() + "]";
    }

    private void requireCost(long cost) {
        if (cost < 1) {
            throw new IllegalArgumentException("cost must be >= 1 but was " + cost);
        }
        for (Limit l : config.limits()) {
            if (cost > l.capacity()) {
                throw new IllegalArgumentException("cost " + cost + " can never pass limit " + l + " of rate limiter '"
                        + config.name() + "': its capacity is " + l.capacity());
            }
        }
    }

    private void recovered() {
        if (failover.state().degraded()) {
            RedisLimiterState before = failover.state();
            failover.succeeded();
            LOG.info("Rate limiter '{}': Redis at {} answers again; decisions come from Redis again"
                    + " (degraded since {}).", config.name(), redis.displayUri(), before.since());
        }
    }

    private void degraded(RedisException e) {
        if (failover.failed(e)) {
            LOG.warn("Rate limiter '{}': Redis at {} did not answer ({}); deciding {} until a probe succeeds,"
                            + " the first in {}ms and then every {}ms.", config.name(), redis.displayUri(),
                    e.toString(), options.failureMode().configName(), options.recoveryBackoff().toMillis(),
                    options.recoveryBackoff().toMillis());
        }
    }

    /** Builds a {@link RedisRateLimiter}; clock and ticker are required (the limiter never reads time itself). */
    public static final class Builder {
        private final RateLimitConfig config;
        private final RedisConnections redis;
        private RedisLimiterOptions options = RedisLimiterOptions.defaults();
        private InstantSource clock;
        private LongSupplier ticker;
        private MeterRegistry meters;

        private Builder(RateLimitConfig config, RedisConnections redis) {
            this.config = Objects.requireNonNull(config, "config");
            this.redis = Objects.requireNonNull(redis, "redis");
        }

        /** Failure mode, expected nodes, recovery back-off, key prefix (default {@link RedisLimiterOptions#defaults()}). */
        public Builder options(RedisLimiterOptions value) {
            this.options = Objects.requireNonNull(value, "options");
            return this;
        }

        /** The wall clock, for the {@code since} of {@link #state()} ({@code InstantSource.system()} in production). */
        public Builder clock(InstantSource value) {
            this.clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        /** A nanosecond ticker, for the recovery back-off and the LOCAL fallback ({@code System::nanoTime}). */
        public Builder ticker(LongSupplier value) {
            this.ticker = Objects.requireNonNull(value, "ticker");
            return this;
        }

        /** Where the fallback counter and state gauge go (default: a private registry nobody reads). */
        public Builder meterRegistry(MeterRegistry value) {
            this.meters = Objects.requireNonNull(value, "meterRegistry");
            return this;
        }

        /**
         * The limiter.
         *
         * @throws IllegalStateException when clock or ticker is missing
         * @throws IllegalArgumentException when a limit cannot be computed exactly in Redis
         */
        public RedisRateLimiter build() {
            if (clock == null || ticker == null) {
                throw new IllegalStateException("clock and ticker are required for rate limiter '" + config.name()
                        + "' (InstantSource.system() and System::nanoTime in production)");
            }
            if (meters == null) {
                meters = new SimpleMeterRegistry();
            }
            return new RedisRateLimiter(this);
        }
    }
}
