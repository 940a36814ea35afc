package io.bulwark.resilience.event;

import java.time.Duration;
import java.time.Instant;

/**
 * A circuit breaker recorded (or refused) one call.
 *
 * @param name the breaker
 * @param at when
 * @param outcome how the breaker counted it
 * @param elapsed how long the call took ({@link Duration#ZERO} when not permitted)
 * @param error the call's exception, or null
 */
public record BreakerCallRecorded(String name, Instant at, Outcome outcome, Duration elapsed, Throwable error)
        implements ResilienceEvent {

    /** How a breaker counted a call. */
    public enum Outcome {
        /** Succeeded within the slow-call duration. */
        SUCCESS,
        /** Succeeded, but slower than the slow-call duration. */
        SLOW_SUCCESS,
        /** Failed (an exception or a result the config counts as failure). */
        ERROR,
        /** Failed, and slower than the slow-call duration. */
        SLOW_ERROR,
        /** Neither success nor failure: an ignored exception, a rejection by another policy. */
        IGNORED,
        /** Refused because the breaker was open. */
        NOT_PERMITTED;

        /** The lower-case label used in metrics. */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
