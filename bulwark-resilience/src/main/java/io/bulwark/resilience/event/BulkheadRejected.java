package io.bulwark.resilience.event;

import java.time.Duration;
import java.time.Instant;

/**
 * A bulkhead refused a call.
 *
 * @param name the bulkhead
 * @param at when
 * @param maxConcurrentCalls its limit
 * @param inUse calls in flight when it refused
 * @param waited how long the call waited for a slot
 */
public record BulkheadRejected(String name, Instant at, int maxConcurrentCalls, int inUse, Duration waited)
        implements ResilienceEvent {
}
