package io.bulwark.resilience.event;

import java.time.Instant;

/**
 * A call succeeded after at least one retry.
 *
 * @param name the retry
 * @param at when
 * @param attempts how many attempts it took
 */
public record RetrySucceeded(String name, Instant at, int attempts) implements ResilienceEvent {
}
