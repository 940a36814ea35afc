package io.bulwark.balancer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.bulwark.core.time.SettableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SlowStartTest {

    private final SettableClock clock = Ticks.clock();

    private LoadBalancer balancer(Strategy strategy) {
        return LoadBalancer.builder("users").endpoints(Fixtures.endpoints(2))
                .config(BalancerConfig.builder().strategy(strategy).slowStart(Duration.ofSeconds(100)).build())
                .ticker(Ticks.of(clock)).random(new SplittableRandom(7)).build();
    }

    private static double weightOf(LoadBalancer lb, String id) {
        return lb.states().stream().filter(s -> s.endpoint().id().equals(id)).findFirst().orElseThrow()
                .effectiveWeight();
    }

    @Test
    void initialEndpointsStartWarm() {
        LoadBalancer lb = balancer(Strategy.RANDOM);

        assertThat(weightOf(lb, "e0")).isEqualTo(1.0);
    }

    @Test
    void aNewEndpointsWeightRampsFromATenthToFullOverTheWindow() {
        LoadBalancer lb = balancer(Strategy.RANDOM);
        List<Endpoint> three = new ArrayList<>(Fixtures.endpoints(2));
        three.add(Endpoint.builder("http://10.0.0.9:8080").id("new").weight(10).build());
        lb.update(three);

        assertThat(weightOf(lb, "new")).isCloseTo(1.0, within(1e-9));
        clock.advance(Duration.ofSeconds(50));
        assertThat(weightOf(lb, "new")).isCloseTo(5.0, within(1e-9));
        clock.advance(Duration.ofSeconds(50));
        assertThat(weightOf(lb, "new")).isEqualTo(10.0);
        assertThat(weightOf(lb, "e0")).isEqualTo(1.0);
    }

    @Test
    void aNewEndpointGetsLittleTrafficAtFirstAndItsShareLater() {
        LoadBalancer lb = balancer(Strategy.WEIGHTED_ROUND_ROBIN);
        List<Endpoint> three = new ArrayList<>(Fixtures.endpoints(2));
        three.add(Endpoint.builder("http://10.0.0.9:8080").id("new").build());
        lb.update(three);

        assertThat(share(lb, "new")).isCloseTo(0.1 / 2.1, within(0.01));
        clock.advance(Duration.ofSeconds(100));
        assertThat(share(lb, "new")).isCloseTo(1.0 / 3, within(0.01));
    }

    @Test
    void anEndpointBackFromEjectionRampsAgain() {
        LoadBalancer lb = LoadBalancer.builder("users").endpoints(Fixtures.endpoints(3))
                .config(BalancerConfig.builder().strategy(Strategy.ROUND_ROBIN).slowStart(Duration.ofSeconds(100))
                        .outlierDetection(OutlierDetection.builder().consecutive5xx(1)
                                .baseEjectionTime(Duration.ofSeconds(30)).build()).build())
                .ticker(Ticks.of(clock)).build();
        Selection s;
        do {
            s = lb.pick();
        } while (!s.endpoint().id().equals("e1") && closeOk(s));
        s.complete(500, 1);

        clock.advance(Duration.ofSeconds(30));
        assertThat(weightOf(lb, "e1")).isCloseTo(0.1, within(1e-9));
        clock.advance(Duration.ofSeconds(50));
        assertThat(weightOf(lb, "e1")).isCloseTo(0.5, within(1e-9));
    }

    private static boolean closeOk(Selection s) {
        s.complete(200, 1);
        return true;
    }

    private static double share(LoadBalancer lb, String id) {
        int hits = 0;
        int n = 4_200;
        for (int i = 0; i < n; i++) {
            hits += Fixtures.pickAndComplete(lb, null).equals(id) ? 1 : 0;
        }
        return (double) hits / n;
    }
}
