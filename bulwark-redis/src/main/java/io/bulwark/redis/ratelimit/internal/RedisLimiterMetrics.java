package io.bulwark.redis.ratelimit.internal;

import io.bulwark.redis.ratelimit.RedisFailureMode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

/**
 * {@code bulwark.ratelimit.redis.fallback{limiter,mode}} (decisions taken by the failure mode,
 * rendered {@code bulwark_ratelimit_redis_fallback_total}) and
 * {@code bulwark.ratelimit.redis.state{limiter}} (1 while CONNECTED, 0 while DEGRADED). A
 * limiter rebuilt under the same name (a config change) takes the gauge over.
 */
public final class RedisLimiterMetrics {

    /** The counter's name. */
    public static final String FALLBACK = "bulwark.ratelimit.redis.fallback";
    /** The gauge's name. */
    public static final String STATE = "bulwark.ratelimit.redis.state";

    private final Counter fallback;

    /** Registers the meters of limiter {@code name}. */
    public RedisLimiterMetrics(MeterRegistry registry, String name, RedisFailureMode mode, Failover failover) {
        this.fallback = Counter.builder(FALLBACK)
                .description("Rate limiting decisions taken by the failure mode because Redis did not answer")
                .tags(Tags.of("limiter", name, "mode", mode.configName()))
                .register(registry);
        Meter old = registry.find(STATE).tag("limiter", name).gauge();
        if (old != null) {
            registry.remove(old);
        }
        Gauge.builder(STATE, failover, f -> f.state().degraded() ? 0 : 1)
                .description("1 while the Redis rate limiter decides on Redis, 0 while it falls back")
                .tag("limiter", name)
                .strongReference(true)
                .register(registry);
    }

    /** Counts one fallback decision. */
    public void fellBack() {
        fallback.increment();
    }
}
