package io.bulwark.resilience.event;

import java.time.Instant;

/**
 * The retry budget refused a retry, so the last failure was returned to the caller.
 *
 * @param name the retry
 * @param at when
 * @param attempts how many attempts had been made
 * @param retriesInWindow retries already spent in the budget's window
 * @param allowed what the budget allows in that window
 */
public record RetryBudgetExhausted(String name, Instant at, int attempts, long retriesInWindow, long allowed)
        implements ResilienceEvent {
}
