package io.bulwark.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** {@code tryAcquirePermit}: the decision of {@code tryAcquire}, without the figures. */
class PermitTest {

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

    private LocalRateLimiter limiter(Limit... limits) {
        return LocalRateLimiter.of(RateLimitConfig.of("api", limits), nanos::get);
    }

    record Step(long advanceMicros, long cost, int key) {
    }

    /**
     * Twin limiters on one clock, one asked for decisions and one for permits: the same answers
     * for every algorithm but pacing, and for pacing exactly "allowed without a delay".
     */
    @Property(tries = 200)
    void answersWhatTryAcquireWouldWithoutAPacingDelay(@ForAll Algorithm algorithm, @ForAll boolean twoLimits,
                                                       @ForAll("steps") List<Step> steps) {
        Limit first = Limit.of(algorithm, 5, Duration.ofMillis(10));
        Limit[] limits = twoLimits ? new Limit[] {first, Limit.of(algorithm, 12, Duration.ofMillis(50))} : new Limit[] {first};
        LocalRateLimiter decisions = limiter(pacingAsPlainBucket(limits));
        LocalRateLimiter permits = limiter(limits);
        for (Step s : steps) {
            nanos.addAndGet(s.advanceMicros() * 1_000);
            String key = "k" + s.key();
            boolean expected = decisions.tryAcquire(key, s.cost()).allowed();
            assertThat(permits.tryAcquirePermit(key, s.cost())).as("%s at %d", s, nanos.get()).isEqualTo(expected);
        }
    }

    /** A pacing limit's permit path is the same limit with maxDelay zero. */
    private static Limit[] pacingAsPlainBucket(Limit[] limits) {
        Limit[] out = limits.clone();
        for (int i = 0; i < out.length; i++) {
            Limit l = out[i];
            if (l.algorithm().paces()) {
                out[i] = Limit.builder().algorithm(l.algorithm()).permits(l.permits()).window(l.window())
                        .burst(l.burst()).maxDelay(Duration.ZERO).build();
            }
        }
        return out;
    }

    @Provide
    Arbitrary<List<Step>> steps() {
        return Combinators.combine(
                Arbitraries.longs().between(0, 4_000).edgeCases(e -> e.add(0L)),
                Arbitraries.longs().between(1, 5),
                Arbitraries.integers().between(0, 2)).as(Step::new).list().ofMaxSize(120);
    }

    @Test
    void pacingRefusesWhatItWouldDelayAndConsumesNothing() {
        LocalRateLimiter limiter = limiter(Limit.of(Algorithm.LEAKY_BUCKET_PACING, 10, Duration.ofSeconds(1)));
        for (int i = 0; i < 10; i++) {
            assertThat(limiter.tryAcquirePermit("k")).isTrue();
        }
        assertThat(limiter.tryAcquirePermit("k")).isFalse();
        assertThat(limiter.usage("k").limits().getFirst().remaining()).isZero();
        Decision queued = limiter.tryAcquire("k");
        assertThat(queued.allowed()).isTrue();
        assertThat(queued.delay()).as("the refusals queued nothing ahead of it").isEqualTo(Duration.ofMillis(100));
    }

    @Test
    void aRefusalByOneLimitConsumesNothingFromTheOthers() {
        LocalRateLimiter limiter = limiter(Limit.parse("10/1m"), Limit.parse("3/1s", Algorithm.FIXED_WINDOW));
        nanos.set(0);
        for (int i = 0; i < 3; i++) {
            assertThat(limiter.tryAcquirePermit("k")).isTrue();
        }
        for (int i = 0; i < 20; i++) {
            assertThat(limiter.tryAcquirePermit("k")).isFalse();
        }
        assertThat(limiter.usage("k").limits().getFirst().remaining()).isEqualTo(7);
    }

    @Test
    void aCostThatCanNeverPassIsRefusedNamingTheLimiter() {
        LocalRateLimiter limiter = limiter(Limit.parse("10/1m"));
        assertThatThrownBy(() -> limiter.tryAcquirePermit("k", 11))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rate limiter 'api'");
        assertThatThrownBy(() -> limiter.tryAcquirePermit("k", 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("cost must be >= 1 but was 0 (rate limiter 'api')");
    }

    @Test
    void theDefaultForOtherLimitersRefusesADelayedDecision() {
        RateLimitConfig config = RateLimitConfig.of("remote", Limit.of(Algorithm.LEAKY_BUCKET_PACING, 1, Duration.ofSeconds(1)));
        RateLimiter delaying = new RateLimiter() {
            @Override
            public RateLimitConfig config() {
                return config;
            }

            @Override
            public Decision tryAcquire(String key, long cost) {
                return Decision.allow(config.limits().getFirst(), 0, Duration.ofSeconds(2), Duration.ofMillis(500));
            }

            @Override
            public Usage usage(String key) {
                throw new UnsupportedOperationException();
            }
        };
        assertThat(delaying.tryAcquirePermit("k")).isFalse();
    }

    @Test
    void metricsCountPermitsAndRefusals() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        RateLimiter limiter = new RateLimitMetrics(meters).instrument(limiter(Limit.parse("2/1h")));
        for (int i = 0; i < 5; i++) {
            limiter.tryAcquirePermit("k");
        }
        assertThat(meters.get(RateLimitMetrics.DECISIONS).tag("outcome", "allowed").counter().count()).isEqualTo(2);
        assertThat(meters.get(RateLimitMetrics.DECISIONS).tag("outcome", "rejected").counter().count()).isEqualTo(3);
    }
}
