package io.bulwark.resilience.breaker;

import java.time.Instant;

/**
 * A snapshot of a breaker's window and counters.
 *
 * @param state the state when the snapshot was taken
 * @param stateSince when the breaker entered that state
 * @param openUntil when an OPEN breaker lets probes through, or null in other states
 * @param failureRate failure percentage over the window, or -1 below minimumNumberOfCalls
 * @param slowCallRate slow-call percentage over the window, or -1 below minimumNumberOfCalls
 * @param bufferedCalls calls in the window
 * @param failedCalls failed calls in the window
 * @param slowCalls slow calls in the window
 * @param notPermittedCalls calls refused since the breaker was created
 * @param probesInFlight half-open probes holding a slot now
 */
public record BreakerMetrics(CircuitBreaker.State state, Instant stateSince, Instant openUntil, float failureRate,
                             float slowCallRate, int bufferedCalls, int failedCalls, int slowCalls,
                             long notPermittedCalls, int probesInFlight) {
}
