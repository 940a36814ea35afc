package io.bulwark.balancer;

import static io.bulwark.balancer.Fixtures.chiSquare;
import static io.bulwark.balancer.Fixtures.pickAndComplete;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Distributions within statistical bounds: a chi-square test against the weights at significance
 * 0.001 (critical values: 3 degrees of freedom 16.27, 4 degrees 18.47) with a fixed seed, so the
 * result is repeatable and a strategy that ignored weights would fail by orders of magnitude.
 */
class WeightedDistributionTest {

    private static final double CRITICAL_DF3 = 16.266;
    private static final double CRITICAL_DF4 = 18.467;

    private static long[] counts(LoadBalancer lb, int picks, int endpoints) {
        long[] counts = new long[endpoints];
        for (int i = 0; i < picks; i++) {
            counts[Integer.parseInt(pickAndComplete(lb, null).substring(1))]++;
        }
        return counts;
    }

    private static LoadBalancer balancer(Strategy strategy, List<Endpoint> endpoints) {
        return LoadBalancer.builder("test").endpoints(endpoints).config(BalancerConfig.of(strategy))
                .random(new SplittableRandom(42)).build();
    }

    @Test
    void smoothWeightedRoundRobinInterleavesLikeNginx() {
        LoadBalancer lb = balancer(Strategy.WEIGHTED_ROUND_ROBIN, Fixtures.weighted(5, 1, 1));

        List<String> cycle = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            cycle.add(pickAndComplete(lb, null));
        }

        assertThat(cycle).containsExactly("e0", "e0", "e1", "e0", "e2", "e0", "e0");
    }

    @Test
    void weightedRoundRobinMatchesWeightsExactlyOverWholeCycles() {
        LoadBalancer lb = balancer(Strategy.WEIGHTED_ROUND_ROBIN, Fixtures.weighted(1, 2, 3, 4));

        long[] counts = counts(lb, 10_000, 4);

        assertThat(counts).containsExactly(1_000, 2_000, 3_000, 4_000);
    }

    @Test
    void weightedRandomIsWithinChiSquareBoundsOfTheWeights() {
        LoadBalancer lb = balancer(Strategy.RANDOM, Fixtures.weighted(1, 2, 3, 4));

        long[] counts = counts(lb, 20_000, 4);

        assertThat(chiSquare(counts, new double[] {0.1, 0.2, 0.3, 0.4})).isLessThan(CRITICAL_DF3);
    }

    @Test
    void roundRobinGivesEachEndpointTheSameCount() {
        LoadBalancer lb = balancer(Strategy.ROUND_ROBIN, Fixtures.weighted(1, 5, 1));

        assertThat(counts(lb, 3_000, 3)).containsExactly(1_000, 1_000, 1_000);
    }

    @Test
    void leastRequestsSpreadsEvenlyWhenRequestsCompleteAtOnce() {
        LoadBalancer lb = balancer(Strategy.LEAST_REQUESTS, Fixtures.endpoints(5));

        long[] counts = counts(lb, 20_000, 5);

        assertThat(chiSquare(counts, new double[] {0.2, 0.2, 0.2, 0.2, 0.2})).isLessThan(CRITICAL_DF4);
    }

    @Test
    void leastRequestsAvoidsTheEndpointWithRequestsInFlight() {
        LoadBalancer lb = balancer(Strategy.LEAST_REQUESTS, Fixtures.endpoints(2));
        List<Selection> held = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            held.add(lb.pick());
        }

        long e0 = held.stream().filter(s -> s.endpoint().id().equals("e0")).count();

        assertThat(e0).isEqualTo(5); // with two endpoints, P2C always compares both: in flight stays balanced
    }
}
