package io.bulwark.balancer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class CapacityTest {

    private static List<Endpoint> limited() {
        return List.of(Endpoint.builder("http://10.0.0.1:80").id("small").maxConcurrent(1).build(),
                Endpoint.builder("http://10.0.0.2:80").id("big").maxConcurrent(3).build());
    }

    @ParameterizedTest
    @EnumSource(Strategy.class)
    void everyStrategySkipsFullEndpointsAndNeverExceedsMaxConcurrent(Strategy strategy) {
        LoadBalancer lb = LoadBalancer.of("users", limited(), BalancerConfig.of(strategy));
        List<Selection> held = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            held.add(lb.pick("key"));
        }

        assertThat(lb.states()).extracting(EndpointState::inFlight).containsExactly(1, 3);
        assertThat(lb.states()).extracting(EndpointState::utilisation).containsExactly(1.0, 1.0);
        assertThatThrownBy(() -> lb.pick("key"))
                .isInstanceOf(NoEndpointAvailableException.class)
                .hasMessageContaining("load balancer 'users' has no endpoint that can take a request")
                .hasMessageContaining("small 1/1, big 3/3");

        held.getFirst().close();
        assertThat(lb.pick("key")).isNotNull();
    }

    @Test
    void completingTwiceReleasesTheSlotOnce() {
        LoadBalancer lb = LoadBalancer.of("users", limited(), BalancerConfig.defaults());
        Selection s = lb.pick();

        s.complete(200, 5);
        s.complete(500, 5);
        s.fail(new RuntimeException());
        s.close();

        assertThat(lb.states()).allMatch(e -> e.inFlight() == 0);
        assertThat(lb.states()).allMatch(e -> e.failures() == 0);
    }

    @Test
    void capacityAwareOffLetsEndpointsGoPastTheirLimit() {
        LoadBalancer lb = LoadBalancer.of("users", limited(),
                BalancerConfig.builder().capacityAware(false).build());

        for (int i = 0; i < 6; i++) {
            lb.pick();
        }

        assertThat(lb.states()).extracting(EndpointState::inFlight).containsExactly(3, 3);
    }

    @Test
    void endpointsKeepTheirStateAcrossUpdatesAndARemovedOneCanStillComplete() {
        LoadBalancer lb = LoadBalancer.of("users", Fixtures.endpoints(2), BalancerConfig.defaults());
        Selection onE0 = lb.pick();
        Selection onE1 = lb.pick();

        lb.update(List.of(Fixtures.endpoints(2).get(1), Endpoint.builder("http://10.0.0.7:80").id("e7").build()));
        onE0.complete(200, 1);

        assertThat(lb.states()).extracting(e -> e.endpoint().id() + ":" + e.inFlight()).containsExactly("e1:1", "e7:0");
        onE1.complete(200, 1);
        assertThat(lb.states()).allMatch(e -> e.inFlight() == 0);
        assertThat(lb.states().getFirst().requests()).isEqualTo(1);
    }
}
