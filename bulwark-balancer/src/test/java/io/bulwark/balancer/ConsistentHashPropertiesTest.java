package io.bulwark.balancer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;

class ConsistentHashPropertiesTest {

    private static Map<String, String> assign(LoadBalancer lb, int keys) {
        Map<String, String> out = new HashMap<>();
        for (int k = 0; k < keys; k++) {
            String key = "user-" + k;
            out.put(key, Fixtures.pickAndComplete(lb, key));
        }
        return out;
    }

    @Property(tries = 30)
    void addingANodeMovesAboutOneNthOfKeysAndOnlyToTheNewNode(@ForAll @IntRange(min = 2, max = 24) int nodes) {
        int keys = 4_000;
        LoadBalancer lb = LoadBalancer.of("ring", Fixtures.endpoints(nodes), BalancerConfig.of(Strategy.CONSISTENT_HASH));
        Map<String, String> before = assign(lb, keys);

        lb.update(Fixtures.endpoints(nodes + 1));
        Map<String, String> after = assign(lb, keys);

        String newcomer = "e" + nodes;
        long moved = before.keySet().stream().filter(k -> !before.get(k).equals(after.get(k))).count();
        long movedElsewhere = before.keySet().stream()
                .filter(k -> !before.get(k).equals(after.get(k)) && !after.get(k).equals(newcomer)).count();
        double ideal = (double) keys / (nodes + 1);
        assertThat(movedElsewhere).as("keys that moved between old nodes").isZero();
        assertThat((double) moved).as("keys moved to the new node vs ideal %.0f", ideal).isLessThanOrEqualTo(ideal * 1.5);
    }

    @Property(tries = 30)
    void sameKeyGoesToSameEndpointWhileNothingChanges(@ForAll @IntRange(min = 1, max = 50) int nodes) {
        LoadBalancer lb = LoadBalancer.of("ring", Fixtures.endpoints(nodes), BalancerConfig.of(Strategy.IP_HASH));

        assertThat(assign(lb, 500)).isEqualTo(assign(lb, 500));
    }

    @Property(tries = 50)
    void boundedLoadNeverExceedsItsFactor(@ForAll @IntRange(min = 2, max = 20) int nodes,
                                          @ForAll @DoubleRange(min = 1.0, max = 3.0) double factor,
                                          @ForAll @IntRange(min = 1, max = 400) int held) {
        LoadBalancer lb = LoadBalancer.of("ring", Fixtures.endpoints(nodes),
                BalancerConfig.builder().strategy(Strategy.CONSISTENT_HASH).boundedLoadFactor(factor).build());
        List<Selection> open = new ArrayList<>();
        for (int i = 0; i < held; i++) {
            open.add(lb.pick("hot-key-" + (i % 3))); // three hot keys: the worst case for a plain ring
            int total = open.size();
            int bound = (int) Math.ceil(factor * total / nodes);
            int max = lb.states().stream().mapToInt(EndpointState::inFlight).max().orElseThrow();
            assertThat(max).as("max in flight after %d picks (bound %d)", total, bound).isLessThanOrEqualTo(bound);
        }
        open.forEach(Selection::close);
        assertThat(lb.states()).allMatch(s -> s.inFlight() == 0);
    }
}
