package io.bulwark.resilience.breaker;

import java.time.Instant;
import java.util.Objects;

/**
 * One state change of a circuit breaker, as kept in its history.
 *
 * @param at when, on the breaker's wall clock
 * @param from the state before
 * @param to the state after
 * @param reason why, e.g. "failure rate 60.0% >= 50.0% over 20 calls"
 * @param failureRate the failure rate in percent at that moment, or -1 when not judged yet
 * @param slowCallRate the slow-call rate in percent at that moment, or -1 when not judged yet
 */
public record BreakerTransition(Instant at, CircuitBreaker.State from, CircuitBreaker.State to, String reason,
                                float failureRate, float slowCallRate) {

    public BreakerTransition {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(reason, "reason");
    }
}
