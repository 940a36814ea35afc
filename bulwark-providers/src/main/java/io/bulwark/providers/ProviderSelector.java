package io.bulwark.providers;

import java.util.List;

/**
 * Chooses which provider of a group answers a call first; the rest of the group's fallback
 * chain follows. Implementations are thread-safe. The built-in strategies ({@link #BUILT_IN}) are
 * bulwark-balancer's, applied to the group's providers; others plug in through
 * {@link Providers.Builder#strategy}.
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

    /**
     * The strategy names every {@link Providers} accepts: {@code round-robin} (the default),
     * {@code weighted} (smooth weighted round robin), {@code least-requests}, {@code latency-aware},
     * {@code random} and {@code consistent-hash} (keyed on the request's cache key).
     */
    List<String> BUILT_IN = List.copyOf(BalancedSelector.STRATEGIES.keySet());
}
