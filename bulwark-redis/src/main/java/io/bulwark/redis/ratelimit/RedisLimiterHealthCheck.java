package io.bulwark.redis.ratelimit;

import io.bulwark.core.health.HealthCheck;
import io.bulwark.core.health.HealthResult;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * {@code /health} for Redis rate limiters: UP while every limiter decides on Redis, DEGRADED
 * while any of them falls back (with, per limiter, its state, since when, the failure mode and
 * the last error). Never DOWN: a limiter in its failure mode still decides, so the node stays
 * ready.
 *
 * <pre>{@code
 * health.register(new RedisLimiterHealthCheck(() -> List.of(apiLimiter, providerLimiter)));
 * }</pre>
 */
public final class RedisLimiterHealthCheck implements HealthCheck {

    private final Supplier<? extends Collection<RedisRateLimiter>> limiters;

    /** A check over the limiters {@code limiters} returns at each run (a registry's current ones). */
    public RedisLimiterHealthCheck(Supplier<? extends Collection<RedisRateLimiter>> limiters) {
        this.limiters = Objects.requireNonNull(limiters, "limiters");
    }

    @Override
    public String name() {
        return "rateLimitRedis";
    }

    @Override
    public HealthResult check() {
        Map<String, Object> details = new LinkedHashMap<>();
        boolean degraded = false;
        for (RedisRateLimiter limiter : limiters.get()) {
            RedisLimiterState s = limiter.state();
            degraded |= s.degraded();
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("state", s.status().name());
            one.put("since", s.since().toString());
            one.put("failureMode", s.mode().configName());
            s.lastError().ifPresent(e -> one.put("lastError", e));
            details.put(limiter.name(), one);
        }
        return degraded ? HealthResult.degraded(details) : HealthResult.up(details);
    }
}
