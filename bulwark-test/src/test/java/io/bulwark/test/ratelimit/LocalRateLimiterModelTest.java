package io.bulwark.test.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.bulwark.core.time.SettableClock;
import io.bulwark.ratelimit.Algorithm;
import io.bulwark.ratelimit.Decision;
import io.bulwark.ratelimit.Limit;
import io.bulwark.ratelimit.LocalRateLimiter;
import io.bulwark.ratelimit.RateLimitConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * The local limiter against the reference model, decision by decision, on a settable clock;
 * and the log of what it admitted against each algorithm's promise.
 */
class LocalRateLimiterModelTest {

    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

    /** One request: how far the clock moves first, and the request's cost. */
    record Op(long advanceNanos, long cost) {
    }

    @Property(tries = 400)
    void agreesWithTheReferenceModelAndKeepsThePromise(@ForAll("limits") Limit limit, @ForAll("ops") List<Op> ops) {
        SettableClock clock = SettableClock.at(START);
        LocalRateLimiter real = LocalRateLimiter.of(RateLimitConfig.of("model", limit), ClockTicker.of(clock));
        ReferenceLimiter model = new ReferenceLimiter(List.of(limit));
        List<Admission> admitted = new ArrayList<>();
        for (Op op : ops) {
            clock.advance(Duration.ofNanos(op.advanceNanos() % (2 * limit.windowNanos())));
            long cost = Math.min(op.cost(), limit.capacity());
            long now = ClockTicker.nanos(clock.instant());
            Decision d = real.tryAcquire("k", cost);
            ReferenceLimiter.Step expected = model.tryAcquire(now, cost);
            assertThat(d.allowed()).as("allowed at %d cost %d under %s", now, cost, limit).isEqualTo(expected.allowed());
            assertThat(d.delay().toNanos()).as("delay at %d under %s", now, limit).isEqualTo(expected.delayNanos());
            assertThat(d.remaining()).isBetween(0L, limit.capacity());
            if (d.allowed()) {
                admitted.add(new Admission(now + d.delay().toNanos(), cost));
            }
        }
        assertThat(LimitPromises.violations(limit, admitted)).isEmpty();
    }

    @Property(tries = 200)
    void severalLimitsAgreeWithTheModelAllOrNothing(@ForAll("limits") Limit a, @ForAll("limits") Limit b,
                                                    @ForAll("ops") List<Op> ops) {
        SettableClock clock = SettableClock.at(START);
        LocalRateLimiter real = LocalRateLimiter.of(RateLimitConfig.of("model", a, b), ClockTicker.of(clock));
        ReferenceLimiter model = new ReferenceLimiter(List.of(a, b));
        for (Op op : ops) {
            clock.advance(Duration.ofNanos(op.advanceNanos() % (2 * Math.max(a.windowNanos(), b.windowNanos()))));
            long cost = Math.min(op.cost(), Math.min(a.capacity(), b.capacity()));
            Decision d = real.tryAcquire("k", cost);
            ReferenceLimiter.Step expected = model.tryAcquire(ClockTicker.nanos(clock.instant()), cost);
            assertThat(d.allowed()).isEqualTo(expected.allowed());
            assertThat(d.delay().toNanos()).isEqualTo(expected.delayNanos());
        }
    }

    @Property(tries = 300)
    void admitsItsFullCapacityOnceReplenishedThenNoMore(@ForAll("limits") Limit limit, @ForAll("ops") List<Op> ops) {
        SettableClock clock = SettableClock.at(START);
        LocalRateLimiter real = LocalRateLimiter.of(RateLimitConfig.of("refill", limit), ClockTicker.of(clock));
        for (Op op : ops) {
            clock.advance(Duration.ofNanos(op.advanceNanos() % limit.windowNanos()));
            real.tryAcquire("k", Math.min(op.cost(), limit.capacity()));
        }
        // the usage's resetAfter is the promise of when it is whole again
        clock.advance(real.usage("k").limits().get(0).resetAfter());
        // a sliding counter is whole only once a window boundary has passed: align on it
        long offset = Math.floorMod(ClockTicker.nanos(clock.instant()), limit.windowNanos());
        if (limit.algorithm() == Algorithm.SLIDING_COUNTER && offset != 0) {
            clock.advance(Duration.ofNanos(limit.windowNanos() - offset + limit.windowNanos()));
        }
        if (limit.algorithm() == Algorithm.FIXED_WINDOW && offset != 0) {
            clock.advance(Duration.ofNanos(limit.windowNanos() - offset));
        }
        for (long i = 0; i < limit.capacity(); i++) {
            Decision d = real.tryAcquire("k");
            assertThat(d.allowed()).as("permit %d of %s", i + 1, limit).isTrue();
            assertThat(d.delay()).isZero();
        }
        Decision next = real.tryAcquire("k");
        assertThat(next.allowed() && next.delay().isZero()).as("one past the capacity of %s", limit).isFalse();
    }

    @Property(tries = 300)
    void aRejectedRequestPassesAfterItsRetryAfterAndNotBefore(@ForAll("limits") Limit limit, @ForAll("ops") List<Op> ops,
                                                              @ForAll @IntRange(min = 1, max = 5) int cost) {
        SettableClock clock = SettableClock.at(START);
        LocalRateLimiter real = LocalRateLimiter.of(RateLimitConfig.of("retry", limit), ClockTicker.of(clock));
        long c = Math.min(cost, limit.capacity());
        for (Op op : ops) {
            clock.advance(Duration.ofNanos(op.advanceNanos() % limit.windowNanos()));
            Decision d = real.tryAcquire("k", c);
            if (!d.allowed()) {
                assertThat(d.retryAfter()).isPositive();
                clock.advance(d.retryAfter().minusNanos(1));
                assertThat(real.tryAcquire("k", c).allowed()).as("1ns before retryAfter under %s", limit).isFalse();
                clock.advance(Duration.ofNanos(1));
                assertThat(real.tryAcquire("k", c).allowed()).as("at retryAfter %s under %s", d.retryAfter(), limit).isTrue();
            }
        }
    }

    @Provide
    Arbitrary<Limit> limits() {
        Arbitrary<Algorithm> algorithm = Arbitraries.of(Algorithm.class);
        Arbitrary<Long> permits = Arbitraries.longs().between(1, 12);
        Arbitrary<Long> window = Arbitraries.longs().between(1, 5_000);
        Arbitrary<Long> burst = Arbitraries.longs().between(1, 15);
        Arbitrary<Long> maxDelay = Arbitraries.longs().between(0, 10_000);
        return Combinators.combine(algorithm, permits, window, burst, maxDelay).as((a, p, w, b, d) -> {
            Limit.Builder builder = Limit.builder().algorithm(a).permits(p).window(Duration.ofNanos(w * 1000));
            if (a.bucket()) {
                builder.burst(b);
            }
            if (a.paces()) {
                builder.maxDelay(Duration.ofNanos(d * 1000));
            }
            return builder.build();
        });
    }

    @Provide
    Arbitrary<List<Op>> ops() {
        Arbitrary<Long> advance = Arbitraries.oneOf(Arbitraries.just(0L), Arbitraries.longs().between(0, 10_000_000));
        Arbitrary<Long> cost = Arbitraries.longs().between(1, 4);
        return Combinators.combine(advance, cost).as(Op::new).list().ofMinSize(1).ofMaxSize(60);
    }
}
