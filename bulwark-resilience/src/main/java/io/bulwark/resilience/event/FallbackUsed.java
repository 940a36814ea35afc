package io.bulwark.resilience.event;

import java.time.Instant;

/**
 * A fallback replaced a failed call's outcome.
 *
 * @param name the fallback
 * @param at when
 * @param error the failure it replaced, or null when it replaced a result
 * @param result the result it replaced, or null
 */
public record FallbackUsed(String name, Instant at, Throwable error, Object result) implements ResilienceEvent {
}
