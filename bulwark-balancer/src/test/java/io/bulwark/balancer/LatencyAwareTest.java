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
}
