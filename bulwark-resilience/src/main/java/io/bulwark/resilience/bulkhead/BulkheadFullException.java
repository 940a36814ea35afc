package io.bulwark.resilience.bulkhead;

import io.bulwark.resilience.PolicyRejectedException;
import java.time.Duration;

/**
 * A bulkhead refused a call because all its slots were taken. The message carries the live
 * state: "Bulkhead 'openai' is full: 10 of 10 calls in flight; waited 50ms (maxWaitDuration 50ms)".
 */
public final class BulkheadFullException extends PolicyRejectedException {

    private final int maxConcurrentCalls;
    private final int inUse;
    private final Duration waited;

    /** A refusal by {@code bulkhead}. */
    public BulkheadFullException(String bulkhead, int maxConcurrentCalls, int inUse, Duration waited,
                                 Duration maxWait) {
        super(bulkhead, "Bulkhead '" + bulkhead + "' is full: " + inUse + " of " + maxConcurrentCalls
                + " calls in flight; waited " + io.bulwark.core.units.Durations.format(waited)
                + " (maxWaitDuration " + io.bulwark.core.units.Durations.format(maxWait) + ")");
        this.maxConcurrentCalls = maxConcurrentCalls;
        this.inUse = inUse;
        this.waited = waited;
    }

    /** The bulkhead's limit. */
    public int maxConcurrentCalls() {
        return maxConcurrentCalls;
    }

    /** Calls in flight when it refused. */
    public int inUse() {
        return inUse;
    }

    /** How long the refused call waited. */
    public Duration waited() {
        return waited;
    }
}
