package io.bulwark.balancer;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LatencyAwareTest {

    private static final long MS = 1_000_000L;

    private static LoadBalancer balancer() {
        return LoadBalancer.builder("users").endpoints(Fixtures.endpoints(2))
                .config(BalancerConfig.builder().strategy(Strategy.LATENCY_AWARE).errorPenalty(Duration.ofSeconds(1))
                        .outlierDetection(OutlierDetection.disabled()).build())
                .random(new SplittableRandom(3)).build();
    }

    /** Serves {@code picks} requests: e0 answers with {@code e0Status} after e0Millis, e1 with 200 after e1Millis. */
    private static int picksOfE0(LoadBalancer lb, int picks, int e0Status, long e0Millis, long e1Millis) {
        int e0 = 0;
        for (int i = 0; i < picks; i++) {
            Selection s = lb.pick();
            if (s.endpoint().id().equals("e0")) {
                e0++;
                s.complete(e0Status, e0Millis * MS);
            } else {
                s.complete(200, e1Millis * MS);
            }
        }
        return e0;
    }

    @Test
    void prefersTheFasterEndpoint() {
        LoadBalancer lb = balancer();

        int e0 = picksOfE0(lb, 1_000, 200, 5, 50);

        assertThat(e0).isGreaterThan(900);
    }

    @Test
    void fastErrorsDoNotAttractTraffic() {
        LoadBalancer lb = balancer();

        int e0 = picksOfE0(lb, 1_000, 503, 1, 50);

        assertThat(e0).as("a 1 ms 503 must look slower than a 50 ms 200").isLessThan(100);
    }

    @Test
    void tooManyRequestsCountsAsAPenaltyToo() {
        LoadBalancer lb = balancer();

        int e0 = picksOfE0(lb, 1_000, 429, 1, 50);

        assertThat(e0).isLessThan(100);
    }

    @Test
    void aPickAndItsCompletionWithALatencyReadTheClockOnce() {
        java.util.concurrent.atomic.AtomicLong reads = new java.util.concurrent.atomic.AtomicLong();
        long[] now = {1_000 * MS};
        LoadBalancer lb = LoadBalancer.builder("users").endpoints(Fixtures.endpoints(3))
                .config(BalancerConfig.of(Strategy.LATENCY_AWARE))
                .ticker(() -> {
                    reads.incrementAndGet();
                    return now[0];
                }).build();
        lb.pick().complete(200, MS); // the first pick builds the snapshot
        reads.set(0);

        for (int i = 0; i < 100; i++) {
            lb.pick().complete(200, 3 * MS);
        }

        assertThat(reads).as("the completion stamps its sample at the pick's time plus the latency").hasValue(100);
    }

    @Test
    void anUntrustworthyLatencyIsStampedWithTheClock() {
        long[] now = {1_000 * MS};
        LoadBalancer lb = LoadBalancer.builder("users").endpoints(Fixtures.endpoints(1))
                .config(BalancerConfig.builder().strategy(Strategy.LATENCY_AWARE).ewmaDecay(Duration.ofSeconds(10)).build())
                .ticker(() -> now[0]).build();
        lb.pick().complete(200, 10 * MS);
        lb.pick().complete(200, Long.MAX_VALUE / 2); // a caller's mistake: not a minute-long latency stamp

        now[0] += 10_000 * MS; // one decay time later, by the clock
        lb.pick().complete(200, 10 * MS);

        // The huge sample weighs 0.1 after it is taken; one decay time later by the clock it weighs
        // 0.1 x exp(-1) = 0.037. Stamped at the pick's time plus its latency, it would lie in the
        // future, the next sample would count as taken at once, and it would weigh 0.1 x 0.9 = 0.09.
        double share = lb.states().getFirst().ewmaLatency().toNanos() / (Long.MAX_VALUE / 2.0);
        assertThat(share).isBetween(0.03, 0.04);
    }

    @Test
    void theOldValueFadesByTheExponentialBetweenTheCapAndForgetting() {
        assertThat(io.bulwark.balancer.internal.EndpointSlot.fade(0)).isEqualTo(0.9);
        assertThat(io.bulwark.balancer.internal.EndpointSlot.fade(Math.log(1 / 0.9))).isEqualTo(0.9);
        assertThat(io.bulwark.balancer.internal.EndpointSlot.fade(1)).isCloseTo(Math.exp(-1), org.assertj.core.data.Offset.offset(1e-15));
        assertThat(io.bulwark.balancer.internal.EndpointSlot.fade(69.9)).isCloseTo(Math.exp(-69.9), org.assertj.core.data.Offset.offset(1e-40));
        assertThat(io.bulwark.balancer.internal.EndpointSlot.fade(70)).isZero();
    }
}
