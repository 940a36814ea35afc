package io.bulwark.server.internal.resilience;

import io.bulwark.balancer.BalancerConfig;
import io.bulwark.balancer.Endpoint;
import io.bulwark.balancer.LoadBalancer;
import io.bulwark.balancer.OutlierDetection;
import io.bulwark.balancer.Selection;
import io.bulwark.balancer.Strategy;
import io.bulwark.resilience.provider.ProviderRequest;
import io.bulwark.resilience.provider.ProviderSelector;

import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * A load-balancing strategy choosing a provider group's first provider: the group's providers
 * are the balancer's endpoints (by name), the balancer is told how each chosen call went, so
 * least-requests sees calls in flight and latency-aware sees latency and error penalties.
 *
 * <p>The balancer's own outlier ejection and slow start are off: a provider's circuit breaker
 * already keeps failing providers out, and a second, differently tuned mechanism would only
 * make the group harder to reason about. {@code consistent-hash} keys on the request's cache key,
 * so the same request goes to the same provider (good for the providers' own caches).
 */
final class BalancedSelector implements ProviderSelector {

    /** The balancer strategies offered to provider groups, by name (round robin and weighted are built in). */
    static final List<Strategy> OFFERED = List.of(Strategy.LEAST_REQUESTS, Strategy.LATENCY_AWARE, Strategy.RANDOM,
            Strategy.CONSISTENT_HASH);

    private final LoadBalancer balancer;
    private final boolean keyed;
    private volatile List<Candidate> current = List.of();

    private BalancedSelector(String name, Strategy strategy) {
        this.balancer = LoadBalancer.builder("providers:" + name).config(BalancerConfig.builder().strategy(strategy)
                .slowStart(Duration.ZERO).outlierDetection(OutlierDetection.disabled()).build()).build();
        this.keyed = strategy.usesKey();
    }

    /** The factories to register with {@code Providers.Builder#strategy}, one per offered strategy. */
    static Stream<java.util.Map.Entry<String, Function<String, ProviderSelector>>> factories() {
        return OFFERED.stream().map(s -> java.util.Map.entry(s.configName(),
                (Function<String, ProviderSelector>) name -> new BalancedSelector(name, s)));
    }

    @Override
    public Choice choose(List<Candidate> candidates, ProviderRequest request) {
        if (!candidates.equals(current)) {
            // Endpoints keep their state by id across updates; the URI is a placeholder, calls go
            // through the provider, never through the balancer.
            balancer.update(candidates.stream().map(c -> Endpoint.builder("http://127.0.0.1/").id(c.name())
                    .weight(c.weight()).build()).toList());
            current = List.copyOf(candidates);
        }
        Selection s = keyed ? balancer.pick(request.effectiveCacheKey()) : balancer.pick();
        String id = s.endpoint().id();
        int index = 0;
        for (int i = 0; i < candidates.size(); i++) {
            if (candidates.get(i).name().equals(id)) {
                index = i;
                break;
            }
        }
        int chosen = index;
        return new Choice() {
            @Override
            public int index() {
                return chosen;
            }

            @Override
            public void done(int status, long latencyNanos) {
                s.complete(status, latencyNanos);
            }

            @Override
            public void failed(long latencyNanos) {
                s.fail(new java.io.IOException("provider call failed"));
            }
        };
    }
}
