package io.bulwark.redis.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.bulwark.ratelimit.Algorithm;
import io.bulwark.ratelimit.Decision;
import io.bulwark.ratelimit.Limit;
import io.bulwark.ratelimit.LimitUsage;
import io.bulwark.ratelimit.RateLimitConfig;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Promises that hold whatever the timing, on short windows and real Redis time: several threads
 * hammer one key for a few windows, and the admitted count stays within what the algorithm
 * promises for the span the server's clock measured around the run. Plus refill, usage and
 * key expiry.
 */
class RedisLimiterPromiseTest extends SharedRedisTest {

    private static final Duration WINDOW = Duration.ofMillis(200);
    private static final long PERMITS = 5;


    @ParameterizedTest
    @EnumSource(Algorithm.class)
    void neverAdmitsMoreThanTheAlgorithmPromisesOverTheServerMeasuredSpan(Algorithm algorithm) throws Exception {
        Limit.Builder b = Limit.builder().algorithm(algorithm).permits(PERMITS).window(WINDOW);
        if (algorithm.paces()) {
            b.burst(2).maxDelay(Duration.ofMillis(100));
        }
        Limit limit = b.build();
        RedisRateLimiter limiter = RedisFixture.limiter(redis, RateLimitConfig.of("promise-" + algorithm.id(), limit));
        String key = RedisFixture.uniqueKey();

        long startMicros = RedisFixture.serverMicros(redis);
        long deadline = System.nanoTime() + WINDOW.multipliedBy(3).toNanos();
        long admitted = LimiterWorkerMain.run(limiter, key, 4, i -> System.nanoTime() - deadline < 0);
        long endMicros = RedisFixture.serverMicros(redis);

        long bound = promise(limit, startMicros, endMicros);
        assertThat(admitted).as("%s over %dus of server time", limit, endMicros - startMicros)
                .isLessThanOrEqualTo(bound)
                .isGreaterThanOrEqualTo(Math.min(limit.burst(), limit.permits()));
    }

    @Test
    void aRejectedTokenBucketPassesAgainOnceItRefills() {
        Limit limit = Limit.parse("2/500ms");
        RedisRateLimiter limiter = RedisFixture.limiter(redis, RateLimitConfig.of("refill", limit));
        String key = RedisFixture.uniqueKey();
        assertThat(limiter.tryAcquire(key, 2).allowed()).isTrue();

        Decision rejected = limiter.tryAcquire(key);
        assertThat(rejected.allowed()).isFalse();
        assertThat(rejected.retryAfter()).isPositive().isLessThanOrEqualTo(Duration.ofMillis(250));

        await("a token refilled").atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(20))
                .until(() -> limiter.tryAcquire(key).allowed());
    }

    @Test
    void usageReportsWhatWasTakenAndConsumesNothing() {
        Limit perHour = Limit.parse("100/1h");
        Limit window = Limit.of(Algorithm.FIXED_WINDOW, 50, Duration.ofDays(1));
        RedisRateLimiter limiter = RedisFixture.limiter(redis, RateLimitConfig.of("usage", perHour, window));
        String key = RedisFixture.uniqueKey();
        limiter.tryAcquire(key, 7);

        List<LimitUsage> first = limiter.usage(key).limits();
        List<LimitUsage> second = limiter.usage(key).limits();

        assertThat(first).extracting(LimitUsage::used).containsExactly(7L, 7L);
        assertThat(second).extracting(LimitUsage::remaining).containsExactly(93L, 43L);
        assertThat(limiter.usage(RedisFixture.uniqueKey()).limits())
                .allSatisfy(u -> assertThat(u.used()).isZero());
    }

    @ParameterizedTest
    @EnumSource(Algorithm.class)
    void everyKeyExpiresOnceItsStateNoLongerMatters(Algorithm algorithm) {
        Limit limit = Limit.of(algorithm, 10, Duration.ofSeconds(10));
        RedisRateLimiter limiter = RedisFixture.limiter(redis, RateLimitConfig.of("ttl-" + algorithm.id(), limit));
        String key = RedisFixture.uniqueKey();
        limiter.tryAcquire(key, 3);

        List<String> written = redis.connection().sync().keys("bulwark:rl:{ttl-" + algorithm.id() + ":" + key + "}*");
        assertThat(written).isNotEmpty();
        long ceilingMillis = 2 * limit.window().toMillis() + 1;
        assertThat(written).allSatisfy(k -> assertThat(redis.connection().sync().pttl(k))
                .as("PTTL of %s", k).isBetween(1L, ceilingMillis));
    }

    /** The most a limit may admit to requests decided between the two server times. */
    private static long promise(Limit limit, long startMicros, long endMicros) {
        long w = limit.windowNanos() / 1000;
        long span = endMicros - startMicros;
        return switch (limit.algorithm()) {
            case TOKEN_BUCKET, LEAKY_BUCKET -> limit.burst() + limit.permits() * span / w;
            // paced requests proceed up to maxDelay after their decision
            case LEAKY_BUCKET_PACING -> limit.burst() + limit.permits() * (span + limit.maxDelay().toNanos() / 1000) / w;
            case FIXED_WINDOW, SLIDING_COUNTER ->
                    limit.permits() * (Math.floorDiv(endMicros, w) - Math.floorDiv(startMicros, w) + 1);
            case SLIDING_LOG -> limit.permits() * (span / w + 1); // windows of length w covering the span
        };
    }
}
