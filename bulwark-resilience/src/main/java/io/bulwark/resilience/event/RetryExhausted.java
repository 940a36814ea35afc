package io.bulwark.resilience.event;

import java.time.Instant;

/**
 * A call failed and no further attempt will be made: the attempts ran out, or the next one
 * could not start before the deadline.
 *
 * @param name the retry
 * @param at when
 * @param attempts how many attempts were made
 * @param reason why no further attempt starts, e.g. "maxAttempts 3 reached"
 * @param error the last failure, or null when the last result was a retryable result
 */
public record RetryExhausted(String name, Instant at, int attempts, String reason, Throwable error)
        implements ResilienceEvent {
}
