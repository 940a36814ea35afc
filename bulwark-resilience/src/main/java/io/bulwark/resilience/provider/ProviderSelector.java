package io.bulwark.resilience.provider;

import java.util.List;
import java.util.Locale;

/**
 * Chooses which provider of a group answers a call first; the rest of the group's fallback
 * chain follows. Implementations are thread-safe. Round robin and smooth weighted round robin
 * are built in; the load-balancing module adds others through this interface.
 */
@FunctionalInterface
public interface ProviderSelector {

    /**
     * Picks one of {@code candidates} (never empty; the providers able to take a call now, in
     * chain order). Strategies that keep the same request on the same provider read
     * {@code request.effectiveCacheKey()}.
     */
    Choice choose(List<Candidate> candidates, ProviderRequest request);

    /**
     * A pick, told how the chosen provider's call went, so that strategies which track load or
     * latency stay right. Exactly one of {@link #done} or {@link #failed} is called.
     */
    interface Choice {

        /** The index of the chosen candidate. */
        int index();

        /** The provider answered with {@code status} after {@code latencyNanos}. */
        default void done(int status, long latencyNanos) {
        }

        /** The call failed without an answer (refused, timed out, connection failed). */
        default void failed(long latencyNanos) {
        }

        /** A choice that needs no feedback. */
        static Choice of(int index) {
            return () -> index;
        }
    }

    /** A provider as a selector sees it. */
    record Candidate(String name, int weight) {
    }

    /** The strategy names accepted in config and over the API. */
    List<String> BUILT_IN = List.of("round-robin", "weighted");

    /** A selector by name: {@code round-robin} or {@code weighted}. */
    static ProviderSelector named(String strategy) {
        return switch (strategy == null ? "" : strategy.toLowerCase(Locale.ROOT)) {
            case "round-robin" -> new RoundRobinSelector();
            case "weighted" -> new WeightedSelector();
            default -> throw new IllegalArgumentException(
                    "strategy must be one of " + String.join(", ", BUILT_IN) + " but was '" + strategy + "'");
        };
    }
}
