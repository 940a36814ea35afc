package io.bulwark.resilience.breaker;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.bulwark.core.json.Json;
import io.bulwark.core.state.StateRecord;
import io.bulwark.core.state.StateStore;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Breaker history in a {@link StateStore}: one record of kind {@value #KIND} per transition,
 * named after the breaker, its body the transition as JSON
 * ({@code {"at":"...","from":"CLOSED","to":"OPEN","reason":"...","failureRate":62.5,"slowCallRate":0.0}}).
 * Over the embedded SQLite store the history survives a restart.
 */
public final class StateStoreBreakerHistory implements BreakerHistoryStore {

    /** The kind of the history records. */
    public static final String KIND = "breaker-history";

    private final StateStore store;

    /** History kept in {@code store}. */
    public StateStoreBreakerHistory(StateStore store) {
        this.store = Objects.requireNonNull(store, "store");
    }

    @Override
    public void append(String breaker, BreakerTransition transition) {
        try {
            store.append(KIND, breaker, Json.mapper().writeValueAsString(transition));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("could not write transition of breaker '" + breaker + "' as JSON", e);
        }
    }

    @Override
    public List<BreakerTransition> recent(String breaker, int limit) {
        List<StateRecord> newestFirst = store.history(KIND, breaker, limit);
        List<BreakerTransition> oldestFirst = new ArrayList<>(newestFirst.size());
        for (int i = newestFirst.size() - 1; i >= 0; i--) {
            StateRecord r = newestFirst.get(i);
            try {
                oldestFirst.add(Json.mapper().readValue(r.json(), BreakerTransition.class));
            } catch (JsonProcessingException e) {
                throw new UncheckedIOException("breaker-history record of '" + breaker + "' at " + r.at()
                        + " is not a transition: " + e.getOriginalMessage(), e);
            }
        }
        return oldestFirst;
    }
}
