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
     * chain order) and returns its index.
     */
    int select(List<Candidate> candidates);

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
