package io.bulwark.resilience.breaker;

import java.util.List;

/**
 * Where a breaker's transitions are kept so that its history survives a restart. A breaker
 * appends each transition as it happens and loads the recent ones when it is created.
 * Implementations are thread-safe; a failing store is logged by the breaker and never breaks a call.
 */
public interface BreakerHistoryStore {

    /** Appends one transition of {@code breaker}. */
    void append(String breaker, BreakerTransition transition);

    /** The newest {@code limit} transitions of {@code breaker}, OLDEST first. */
    List<BreakerTransition> recent(String breaker, int limit);

    /** A store in memory: history survives a new breaker instance, not a new process. */
    static BreakerHistoryStore inMemory() {
        return new InMemoryBreakerHistory();
    }
}
