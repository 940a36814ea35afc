package io.bulwark.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LocalRateLimiterTest {

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

    private LocalRateLimiter limiter(Limit... limits) {
        return LocalRateLimiter.of(RateLimitConfig.of("api", limits), nanos::get);
    }

    private void advance(Duration d) {
        nanos.addAndGet(d.toNanos());
    }

    @Test
    void tokenBucketReportsRemainingResetAndRetryAfter() {
        LocalRateLimiter limiter = limiter(Limit.parse("100/1m"));
        Decision first = limiter.tryAcquire("k");
        assertThat(first.allowed()).isTrue();
        assertThat(first.limit()).isEqualTo(100);
        assertThat(first.remaining()).isEqualTo(99);
        assertThat(first.resetAfter()).isEqualTo(Duration.ofMillis(600));
        assertThat(first.retryAfter()).isZero();
        for (int i = 0; i < 99; i++) {
            assertThat(limiter.tryAcquire("k").allowed()).isTrue();
        }
        Decision rejected = limiter.tryAcquire("k");
        assertThat(rejected.allowed()).isFalse();
        assertThat(rejected.remaining()).isZero();
        assertThat(rejected.retryAfter()).isEqualTo(Duration.ofMillis(600));
        assertThat(rejected.resetAfter()).isEqualTo(Duration.ofMinutes(1));
        assertThat(rejected.retryAfterSeconds()).isEqualTo(1);
        assertThat(rejected.resetSeconds()).isEqualTo(60);
        advance(Duration.ofMillis(600));
        assertThat(limiter.tryAcquire("k").allowed()).isTrue();
    }

    @Test
    void keysAreLimitedIndependently() {
        LocalRateLimiter limiter = limiter(Limit.parse("1/1h"));
        assertThat(limiter.tryAcquire("a").allowed()).isTrue();
        assertThat(limiter.tryAcquire("a").allowed()).isFalse();
        assertThat(limiter.tryAcquire("b").allowed()).isTrue();
    }

    @Test
    void aRejectionByOneLimitConsumesNothingFromTheOthers() {
        LocalRateLimiter limiter = limiter(Limit.parse("10/1m"), Limit.parse("3/1s", Algorithm.FIXED_WINDOW));
        nanos.set(0);
        for (int i = 0; i < 3; i++) {
            assertThat(limiter.tryAcquire("k").allowed()).isTrue();
        }
        for (int i = 0; i < 20; i++) {
            Decision d = limiter.tryAcquire("k");
            assertThat(d.allowed()).isFalse();
            assertThat(d.closest().spec()).isEqualTo("3/1s");
        }
        // the per-minute bucket still holds 7: the 20 rejections took nothing from it
        assertThat(limiter.usage("k").limits().get(0).remaining()).isEqualTo(7);
    }

    @Test
    void reportsTheLimitClosestToExhaustion() {
        LocalRateLimiter limiter = limiter(Limit.parse("100/1m"), Limit.parse("5/1h"));
        Decision d = limiter.tryAcquire("k");
        assertThat(d.closest().spec()).isEqualTo("5/1h");
        assertThat(d.limit()).isEqualTo(5);
        assertThat(d.remaining()).isEqualTo(4);
    }

    @Test
    void weightedRequestsTakeTheirCost() {
        LocalRateLimiter limiter = limiter(Limit.parse("1000/1m"));
        assertThat(limiter.tryAcquire("tenant", 600).remaining()).isEqualTo(400);
        Decision d = limiter.tryAcquire("tenant", 500);
        assertThat(d.allowed()).isFalse();
        assertThat(d.retryAfter()).isEqualTo(Duration.ofSeconds(6));
        assertThat(limiter.tryAcquire("tenant", 400).allowed()).isTrue();
    }

    @Test
    void aCostThatCanNeverPassIsRefusedNamingTheLimiter() {
        LocalRateLimiter limiter = limiter(Limit.parse("10/1m"));
        assertThatThrownBy(() -> limiter.tryAcquire("k", 11)).hasMessageContaining("cost 11 can never pass rate limiter 'api'");
        assertThatThrownBy(() -> limiter.tryAcquire("k", 0)).hasMessageContaining("cost must be >= 1 but was 0");
    }

    @Test
    void pacingAdmitsWithADelayUpToItsMaxDelayThenRejects() {
        Limit paced = Limit.builder().algorithm(Algorithm.LEAKY_BUCKET_PACING).permits(10).window(Duration.ofSeconds(1))
                .burst(1).maxDelay(Duration.ofMillis(250)).build();
        LocalRateLimiter limiter = limiter(paced);
        assertThat(limiter.tryAcquire("k").delay()).isZero();
        assertThat(limiter.tryAcquire("k").delay()).isEqualTo(Duration.ofMillis(100));
        assertThat(limiter.tryAcquire("k").delay()).isEqualTo(Duration.ofMillis(200));
        Decision third = limiter.tryAcquire("k");
        assertThat(third.outcome()).isEqualTo(Decision.Outcome.REJECTED);
        assertThat(third.retryAfter()).isEqualTo(Duration.ofMillis(50));
    }

    @Test
    void aDayLongLimitKeepsExactFiguresBeyondNanosecondRange() {
        LocalRateLimiter limiter = limiter(Limit.parse("100000/1d"));
        assertThat(limiter.tryAcquire("k", 100_000).remaining()).isZero();
        Decision d = limiter.tryAcquire("k");
        assertThat(d.allowed()).isFalse();
        assertThat(d.retryAfter()).isEqualTo(Duration.ofMillis(864));
        assertThat(d.resetAfter()).isEqualTo(Duration.ofDays(1));
        advance(Duration.ofMillis(864));
        assertThat(limiter.tryAcquire("k").allowed()).isTrue();
    }

    @Test
    void usageReadsWithoutConsuming() {
        LocalRateLimiter limiter = limiter(Limit.parse("10/1m"), Limit.parse("100/1h", Algorithm.SLIDING_LOG));
        limiter.tryAcquire("k", 4);
        Usage u = limiter.usage("k");
        assertThat(u.limits()).extracting(LimitUsage::used).containsExactly(4L, 4L);
        assertThat(u.limits()).extracting(LimitUsage::remaining).containsExactly(6L, 96L);
        assertThat(limiter.usage("k")).isEqualTo(u);
        assertThat(limiter.usage("unknown").limits()).extracting(LimitUsage::used).containsExactly(0L, 0L);
    }

    @Test
    void aKeyFloodStaysWithinTheBoundAndKeepsBusyKeysLongest() {
        LocalRateLimiter limiter = LocalRateLimiter.of(
                RateLimitConfig.builder("flood").limits("5/1h").maxKeys(100).build(), nanos::get);
        limiter.tryAcquire("busy", 5);
        for (int i = 0; i < 10_000; i++) {
            advance(Duration.ofNanos(1));
            limiter.tryAcquire("k" + i);
            limiter.tryAcquire("busy").allowed();
            assertThat(limiter.trackedKeys()).isLessThanOrEqualTo(101);
        }
        // "busy" is exhausted for the hour (its rejections write nothing): it is the last to be forgotten
        assertThat(limiter.tryAcquire("busy").allowed()).isFalse();
    }

    @Test
    void evictIdleDropsOnlyReplenishedKeys() {
        LocalRateLimiter limiter = limiter(Limit.parse("10/1s"));
        limiter.tryAcquire("old");
        advance(Duration.ofMillis(500));
        limiter.tryAcquire("recent", 10);
        assertThat(limiter.evictIdle()).isEqualTo(1);
        assertThat(limiter.trackedKeys()).isEqualTo(1);
        assertThat(limiter.tryAcquire("recent").allowed()).isFalse();
    }
}
