package io.bulwark.resilience.event;

import java.time.Duration;
import java.time.Instant;

/**
 * A call ran past its timeout and was interrupted (or its future cancelled).
 *
 * @param name the timeout
 * @param at when
 * @param timeout the limit
 */
public record TimeoutExceeded(String name, Instant at, Duration timeout) implements ResilienceEvent {
}
