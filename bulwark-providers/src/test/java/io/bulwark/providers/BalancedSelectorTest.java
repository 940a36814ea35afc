package io.bulwark.providers;

import io.bulwark.providers.ProviderSelector.Candidate;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The built-in strategies are bulwark-balancer's pickers. These pin that round robin and weighted
 * choose exactly as the provider selectors they replaced did (their algorithms are written out
 * below as reference models).
 */
class BalancedSelectorTest {

    private final AtomicLong ticker = new AtomicLong();
    private final ProviderRequest request = ProviderRequest.post("{}");

    @Test
    void roundRobinTakesTheCandidatesInTurnInChainOrder() {
        ProviderSelector s = BalancedSelector.of("g", "round-robin", ticker::get);
        List<Candidate> abc = candidates("a", 1, "b", 1, "c", 1);

        assertThat(picks(s, abc, 7)).containsExactly("a", "b", "c", "a", "b", "c", "a");
    }

    @Test
    void roundRobinKeepsCountingWhenACandidateDropsOutAndComesBack() {
        ProviderSelector s = BalancedSelector.of("g", "round-robin", ticker::get);
        List<Candidate> abc = candidates("a", 1, "b", 1, "c", 1);
        List<Candidate> ac = candidates("a", 1, "c", 1);

        // The replaced selector: the n-th call takes candidate n mod (candidates now).
        assertThat(picks(s, abc, 2)).containsExactly("a", "b");
        assertThat(picks(s, ac, 3)).containsExactly("a", "c", "a");
        assertThat(picks(s, abc, 2)).containsExactly("c", "a");
    }

    @Test
    void weightedSpreadsPicksSmoothly() {
        ProviderSelector s = BalancedSelector.of("g", "weighted", ticker::get);

        assertThat(picks(s, candidates("a", 5, "b", 1, "c", 1), 14))
                .containsExactly("a", "a", "b", "a", "c", "a", "a", "a", "a", "b", "a", "c", "a", "a");
    }

    /**
     * For a steady set of candidates the balancer's precomputed schedule is the sequence nginx's
     * smooth weighted round robin (the replaced selector) produces, pick for pick. Sums of weights
     * up to the balancer's schedule length are exact; beyond it weights are scaled (see
     * docs/decisions.md).
     */
    @Property(tries = 300)
    void weightedPicksAsNginxSmoothWeightedRoundRobinDoes(
            @ForAll @Size(min = 1, max = 6) List<@IntRange(min = 1, max = 600) Integer> weights) {
        List<Candidate> candidates = new ArrayList<>();
        for (int i = 0; i < weights.size(); i++) {
            candidates.add(new Candidate("p" + i, weights.get(i)));
        }
        ProviderSelector s = BalancedSelector.of("g", "weighted", ticker::get);
        NginxSmoothWeighted reference = new NginxSmoothWeighted();
        int total = weights.stream().mapToInt(Integer::intValue).sum();

        for (int k = 0; k < 2 * total; k++) {
            assertThat(s.choose(candidates, request).index()).as("pick %d of %s", k, weights)
                    .isEqualTo(reference.choose(candidates));
        }
    }

    @Test
    void consistentHashSendsTheSameRequestToTheSameProvider() {
        ProviderSelector s = BalancedSelector.of("g", "consistent-hash", ticker::get);
        List<Candidate> abc = candidates("a", 1, "b", 1, "c", 1);
        ProviderRequest keyed = ProviderRequest.post("{\"prompt\":\"same\"}");

        ProviderSelector.Choice firstChoice = s.choose(abc, keyed);
        firstChoice.done(200, 1_000_000);
        int first = firstChoice.index();
        for (int i = 0; i < 20; i++) {
            ProviderSelector.Choice c = s.choose(abc, keyed);
            assertThat(c.index()).isEqualTo(first);
            c.done(200, 1_000_000);
        }
    }

    @Test
    void everyBuiltInNameMakesASelectorAndAnUnknownOneNamesTheAllowed() {
        assertThat(ProviderSelector.BUILT_IN).containsExactly("round-robin", "weighted", "least-requests",
                "latency-aware", "random", "consistent-hash");
        for (String name : ProviderSelector.BUILT_IN) {
            assertThat(BalancedSelector.of("g", name, ticker::get).choose(candidates("a", 1, "b", 2), request).index())
                    .isBetween(0, 1);
        }
        assertThatThrownBy(() -> BalancedSelector.of("g", "fastest", ticker::get))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("strategy must be one of round-robin, weighted, least-requests, latency-aware, random, "
                        + "consistent-hash but was 'fastest'");
    }

    private List<String> picks(ProviderSelector s, List<Candidate> candidates, int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ProviderSelector.Choice c = s.choose(candidates, request);
            out.add(candidates.get(c.index()).name());
            c.done(200, 1_000_000);
        }
        return out;
    }

    private static List<Candidate> candidates(Object... nameWeight) {
        List<Candidate> out = new ArrayList<>();
        for (int i = 0; i < nameWeight.length; i += 2) {
            out.add(new Candidate((String) nameWeight[i], (Integer) nameWeight[i + 1]));
        }
        return out;
    }

    /** The replaced provider selector, as a model: running scores per name, the highest wins and pays the total. */
    private static final class NginxSmoothWeighted {
        private final Map<String, Long> scores = new HashMap<>();

        int choose(List<Candidate> candidates) {
            long total = 0;
            int best = 0;
            long bestScore = Long.MIN_VALUE;
            for (int i = 0; i < candidates.size(); i++) {
                Candidate c = candidates.get(i);
                long score = scores.getOrDefault(c.name(), 0L) + c.weight();
                scores.put(c.name(), score);
                total += c.weight();
                if (score > bestScore) {
                    bestScore = score;
                    best = i;
                }
            }
            scores.put(candidates.get(best).name(), bestScore - total);
            return best;
        }
    }
}
