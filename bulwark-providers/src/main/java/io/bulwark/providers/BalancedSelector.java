package io.bulwark.providers;

import io.bulwark.balancer.BalancerConfig;
import io.bulwark.balancer.Endpoint;
import io.bulwark.balancer.LoadBalancer;
import io.bulwark.balancer.OutlierDetection;
import io.bulwark.balancer.Selection;
import io.bulwark.balancer.Strategy;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The selector behind every built-in strategy: the group's providers are a load balancer's
 * endpoints (by name), and the balancer's own picker chooses, so round robin and smooth weighted
 * round robin have one implementation in the code base (bulwark-balancer's). The balancer is told
 * how each chosen call went, so least-requests sees calls in flight and latency-aware sees latency
 * and error penalties.
 *
 * <p>The balancer's own outlier ejection and slow start are off: a provider's circuit breaker
 * already keeps failing providers out, and a second, differently tuned mechanism would only make
 * the group harder to reason about. {@code consistent-hash} keys on the request's cache key, so
 * the same request goes to the same provider (good for the providers' own caches).
 *
 * <h2>Design notes</h2>
 * The candidates of a call (the providers able to take one now) become the balancer's membership
 * when they differ from the last call's; endpoints keep their counters by id across such updates.
 * Two calls that see different candidates at the same moment (one of them while degraded, say)
 * can move the membership under each other between update and pick; a pick naming a provider that
 * is not among the call's candidates is released and taken again, a few times at most, after which
 * the call goes to its first candidate.
 */
final class BalancedSelector implements ProviderSelector {

    /** The strategy names provider groups accept, and the balancer strategy behind each. */
    static final Map<String, Strategy> STRATEGIES = strategies();

    /** How often a pick spoiled by a concurrent membership change is taken again. */
    private static final int PICKS = 3;

    private final LoadBalancer balancer;
    private final boolean keyed;
    private volatile List<Candidate> current = List.of();

    private BalancedSelector(String group, Strategy strategy, LongSupplier ticker) {
        this.balancer = LoadBalancer.builder("providers:" + group).ticker(ticker).config(BalancerConfig.builder()
                .strategy(strategy).slowStart(Duration.ZERO).outlierDetection(OutlierDetection.disabled()).build())
                .build();
        this.keyed = strategy.usesKey();
    }

    /**
     * A selector for group {@code group} by strategy name (one of {@link #STRATEGIES}).
     *
     * @throws IllegalArgumentException naming the allowed names when {@code strategy} is not one
     */
    static BalancedSelector of(String group, String strategy, LongSupplier ticker) {
        Strategy s = STRATEGIES.get(strategy);
        if (s == null) {
            throw new IllegalArgumentException("strategy must be one of " + String.join(", ", STRATEGIES.keySet())
                    + " but was '" + strategy + "'");
        }
        return new BalancedSelector(group, s, ticker);
    }

    @Override
    public Choice choose(List<Candidate> candidates, ProviderRequest request) {
        for (int attempt = 0; attempt < PICKS; attempt++) {
            if (!candidates.equals(current)) {
                // The URI is a placeholder: calls go through the provider, never through the balancer.
                balancer.update(candidates.stream().map(c -> Endpoint.builder("http://127.0.0.1/").id(c.name())
                        .weight(c.weight()).build()).toList());
                current = List.copyOf(candidates);
            }
            Selection s = keyed ? balancer.pick(request.effectiveCacheKey()) : balancer.pick();
            int index = indexOf(candidates, s.endpoint().id());
            if (index >= 0) {
                return new BalancedChoice(index, s);
            }
            s.close();
        }
        return Choice.of(0);
    }

    private static int indexOf(List<Candidate> candidates, String name) {
        for (int i = 0; i < candidates.size(); i++) {
            if (candidates.get(i).name().equals(name)) {
                return i;
            }
        }
        return -1;
    }

    private static Map<String, Strategy> strategies() {
        Map<String, Strategy> m = new LinkedHashMap<>();
        m.put("round-robin", Strategy.ROUND_ROBIN);
        m.put("weighted", Strategy.WEIGHTED_ROUND_ROBIN);
        for (Strategy s : List.of(Strategy.LEAST_REQUESTS, Strategy.LATENCY_AWARE, Strategy.RANDOM,
                Strategy.CONSISTENT_HASH)) {
            m.put(s.configName(), s);
        }
        return java.util.Collections.unmodifiableMap(m);
    }

    /** A pick that reports the chosen provider's outcome to the balancer. */
    private record BalancedChoice(int index, Selection selection) implements Choice {

        @Override
        public void done(int status, long latencyNanos) {
            selection.complete(status, latencyNanos);
        }

        @Override
        public void failed(long latencyNanos) {
            selection.fail(new java.io.IOException("provider call failed"));
        }
    }
}
