package io.bulwark.redis.ratelimit;

import io.bulwark.core.time.SettableClock;
import io.bulwark.ratelimit.RateLimitConfig;
import io.bulwark.redis.RedisConnections;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Shared helpers of the Redis limiter tests: the shared Redis on 6379, unique names, server time. */
final class RedisFixture {

    static final String SHARED_URI = "redis://127.0.0.1:6379";

    private RedisFixture() {
    }

    /** A connection to the shared Redis with a generous timeout (the machine is shared and busy). */
    static RedisConnections shared() {
        return RedisConnections.builder().uri(SHARED_URI).commandTimeout(Duration.ofSeconds(5)).build();
    }

    /** A key no other test (or earlier run) has used. */
    static String uniqueKey() {
        return "test-" + UUID.randomUUID();
    }

    /** A limiter on {@code redis} with a settable clock and the real ticker. */
    static RedisRateLimiter limiter(RedisConnections redis, RateLimitConfig config) {
        return RedisRateLimiter.builder(config, redis)
                .clock(SettableClock.at(Instant.parse("2026-01-01T00:00:00Z")))
                .ticker(System::nanoTime)
                .build();
    }

    /** Redis server time in microseconds since the epoch. */
    static long serverMicros(RedisConnections redis) {
        List<String> time = redis.connection().sync().time();
        return Long.parseLong(time.get(0)) * 1_000_000 + Long.parseLong(time.get(1));
    }
}
