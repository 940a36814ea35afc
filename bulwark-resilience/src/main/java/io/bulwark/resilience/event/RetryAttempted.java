package io.bulwark.resilience.event;

import java.time.Duration;
import java.time.Instant;

/**
 * An attempt failed and another one will start after {@code wait}.
 *
 * @param name the retry
 * @param at when the failed attempt ended
 * @param attempt the number of the attempt that failed (1-based)
 * @param delay the delay before the next attempt
 * @param error the failure, or null when a result was retried
 * @param result the retried result, or null
 */
public record RetryAttempted(String name, Instant at, int attempt, Duration delay, Throwable error, Object result)
        implements ResilienceEvent {
}
