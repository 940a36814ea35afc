package io.bulwark.redis.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.bulwark.ratelimit.Algorithm;
import io.bulwark.ratelimit.Decision;
import io.bulwark.ratelimit.Limit;
import io.bulwark.ratelimit.RateLimitConfig;
import io.bulwark.test.ratelimit.ReferenceLimiter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every algorithm on Redis admits exactly what the reference model admits, request by request,
 * for seeded random sequences of weighted requests on a fresh key each.
 *
 * <p>Redis time cannot be set, so the model is held at one instant and the limits are long
 * (hours, a day): the few milliseconds a sequence takes refill far less than one permit. A
 * sequence whose run straddles an aligned window boundary (possible for the window algorithms,
 * measured on the server's clock) is run again on a new key.
 */
class RedisLimiterModelTest extends SharedRedisTest {

    static Stream<Arguments> limits() {
        Duration hour = Duration.ofHours(1);
        Duration day = Duration.ofDays(1);
        return Stream.of(
                Limit.builder().algorithm(Algorithm.TOKEN_BUCKET).permits(10).window(hour).burst(6).build(),
                Limit.builder().algorithm(Algorithm.LEAKY_BUCKET).permits(10).window(hour).burst(6).build(),
                Limit.builder().algorithm(Algorithm.LEAKY_BUCKET_PACING).permits(10).window(hour).burst(3)
                        .maxDelay(Duration.ofMinutes(31)).build(),
                Limit.of(Algorithm.FIXED_WINDOW, 12, day),
                Limit.of(Algorithm.SLIDING_LOG, 12, hour),
                Limit.of(Algorithm.SLIDING_COUNTER, 12, day)).map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("limits")
    void admitsExactlyWhatTheReferenceModelAdmits(Limit limit) {
        RedisRateLimiter limiter = RedisFixture.limiter(redis, RateLimitConfig.of("model-" + limit.algorithm().id(), limit));
        Random random = new Random(limit.algorithm().ordinal() * 7919L);
        for (int sequence = 0; sequence < 25; sequence++) {
            List<Long> costs = costs(random, Math.min(3, limit.capacity()), 18);
            runAgainstModel(limiter, List.of(limit), costs, "sequence " + sequence + " " + costs);
        }
    }

    @Test
    void severalLimitsOfMixedAlgorithmsAdmitWhatTheModelAdmits() {
        List<Limit> limits = List.of(
                Limit.builder().algorithm(Algorithm.TOKEN_BUCKET).permits(20).window(Duration.ofHours(1)).burst(9).build(),
                Limit.of(Algorithm.FIXED_WINDOW, 14, Duration.ofDays(1)),
                Limit.of(Algorithm.SLIDING_LOG, 11, Duration.ofHours(1)),
                Limit.of(Algorithm.SLIDING_COUNTER, 12, Duration.ofDays(1)));
        RedisRateLimiter limiter = RedisFixture.limiter(redis, RateLimitConfig.builder("model-mixed").limits(limits).build());
        Random random = new Random(42);
        for (int sequence = 0; sequence < 25; sequence++) {
            List<Long> costs = costs(random, 4, 16);
            runAgainstModel(limiter, limits, costs, "sequence " + sequence + " " + costs);
        }
    }

    @Test
    void aRejectionByOneLimitConsumesNothingFromTheOthers() {
        Limit wide = Limit.parse("10/1h");
        Limit narrow = Limit.of(Algorithm.SLIDING_LOG, 3, Duration.ofHours(1));
        RedisRateLimiter limiter = RedisFixture.limiter(redis, RateLimitConfig.of("all-or-nothing", wide, narrow));
        String key = RedisFixture.uniqueKey();

        assertThat(limiter.tryAcquire(key, 2).allowed()).isTrue();
        Decision rejected = limiter.tryAcquire(key, 2);

        assertThat(rejected.allowed()).isFalse();
        assertThat(rejected.closest()).isEqualTo(narrow);
        assertThat(rejected.remaining()).isEqualTo(1);
        assertThat(limiter.usage(key).limits()).extracting(u -> u.remaining()).containsExactly(8L, 1L);
        Decision fits = limiter.tryAcquire(key, 1);
        assertThat(fits.allowed()).isTrue();
        assertThat(fits.closest()).as("the smallest share remaining").isEqualTo(narrow);
        assertThat(fits.remaining()).isZero();
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(value = Algorithm.class, names = {"TOKEN_BUCKET", "SLIDING_COUNTER"})
    void aHundredThousandADayStaysExactOnCoarserTicks(Algorithm algorithm) {
        Limit limit = Limit.of(algorithm, 100_000, Duration.ofDays(1));
        RedisRateLimiter limiter = RedisFixture.limiter(redis, RateLimitConfig.of("big-" + algorithm.id(), limit));
        String key = RedisFixture.uniqueKey();

        Decision first = limiter.tryAcquire(key, 60_000);
        Decision second = limiter.tryAcquire(key, 50_000);

        assertThat(first.allowed()).isTrue();
        assertThat(first.remaining()).isEqualTo(40_000);
        assertThat(second.allowed()).isFalse();
        assertThat(limiter.tryAcquire(key, 40_000).allowed()).isTrue();
        if (algorithm == Algorithm.TOKEN_BUCKET) {
            // 10,000 permits missing at 100,000 a day: 8,640 s, less what refilled since
            assertThat(second.retryAfter()).isBetween(Duration.ofSeconds(8630), Duration.ofSeconds(8640));
        }
    }

    @Test
    void aRejectedSlidingLogWaitsUntilEnoughOfItsOldestEntriesLeaveTheWindow() {
        Limit limit = Limit.of(Algorithm.SLIDING_LOG, 40, Duration.ofHours(1));
        RedisRateLimiter limiter = RedisFixture.limiter(redis, RateLimitConfig.of("log-retry", limit));
        String key = RedisFixture.uniqueKey();
        for (int i = 0; i < 40; i++) {
            assertThat(limiter.tryAcquire(key).allowed()).isTrue();
        }

        // 20 entries must leave: more than the first batch the script reads
        Decision rejected = limiter.tryAcquire(key, 20);

        assertThat(rejected.allowed()).isFalse();
        assertThat(rejected.retryAfter()).isBetween(Duration.ofMinutes(59), Duration.ofHours(1));
        assertThat(rejected.resetAfter()).isBetween(rejected.retryAfter(), Duration.ofHours(1));
    }

    private static void runAgainstModel(RedisRateLimiter limiter, List<Limit> limits, List<Long> costs, String what) {
        for (int attempt = 0; ; attempt++) {
            String key = RedisFixture.uniqueKey();
            ReferenceLimiter model = new ReferenceLimiter(limits);
            long startMicros = RedisFixture.serverMicros(redis);
            List<String> mismatches = new ArrayList<>();
            for (int i = 0; i < costs.size(); i++) {
                long cost = costs.get(i);
                Decision real = limiter.tryAcquire(key, cost);
                ReferenceLimiter.Step expected = model.tryAcquire(0, cost);
                if (real.allowed() != expected.allowed()) {
                    mismatches.add("request " + i + " (cost " + cost + "): redis " + real + ", model " + expected);
                } else if (real.delay().toNanos() > expected.delayNanos()
                        || real.delay().toNanos() < expected.delayNanos() - Duration.ofSeconds(30).toNanos()) {
                    mismatches.add("request " + i + " delay: redis " + real.delay() + ", model " + expected.delayNanos() + "ns");
                }
            }
            long endMicros = RedisFixture.serverMicros(redis);
            if (!mismatches.isEmpty() && attempt == 0 && crossesBoundary(limits, startMicros, endMicros)) {
                continue; // a window rolled over mid-sequence: the frozen model does not apply
            }
            assertThat(mismatches).as(what).isEmpty();
            return;
        }
    }

    private static boolean crossesBoundary(List<Limit> limits, long startMicros, long endMicros) {
        return limits.stream().map(l -> l.windowNanos() / 1000)
                .anyMatch(w -> Math.floorDiv(startMicros, w) != Math.floorDiv(endMicros, w));
    }

    private static List<Long> costs(Random random, long maxCost, int n) {
        List<Long> costs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            costs.add(1 + (long) random.nextInt((int) maxCost));
        }
        return costs;
    }
}
