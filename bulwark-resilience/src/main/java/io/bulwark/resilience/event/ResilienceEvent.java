package io.bulwark.resilience.event;

import java.time.Instant;

/**
 * Something a policy instance did: a breaker transition or recorded call, a retry attempt, a
 * rejection, a timeout, a fallback. Listeners receive these through {@code addListener} on each
 * instance; a listener that throws is logged and never breaks the call.
 *
 * <pre>{@code
 * breaker.addListener(event -> {
 *     if (event instanceof BreakerStateChanged changed) {
 *         log.warn("{} went {}", changed.name(), changed.transition().to());
 *     }
 * });
 * }</pre>
 */
public sealed interface ResilienceEvent permits BreakerStateChanged, BreakerCallRecorded, RetryAttempted,
        RetrySucceeded, RetryExhausted, RetryBudgetExhausted, BulkheadRejected, TimeoutExceeded, FallbackUsed {

    /** The name of the policy instance that published the event. */
    String name();

    /** When it happened, on the instance's wall clock. */
    Instant at();
}
