package io.bulwark.resilience.bulkhead;

import io.bulwark.resilience.internal.Checks;
import java.time.Duration;

/**
 * How many calls a {@link Bulkhead} lets run at once and how long a call may wait for a slot.
 *
 * <pre>{@code
 * BulkheadConfig config = BulkheadConfig.builder().maxConcurrentCalls(10).maxWaitDuration(Duration.ofMillis(50)).build();
 * }</pre>
 *
 * @param maxConcurrentCalls calls in flight at most
 * @param maxWaitDuration how long a call waits for a slot; {@link Duration#ZERO} rejects at once
 */
public record BulkheadConfig(int maxConcurrentCalls, Duration maxWaitDuration) {

    private static final BulkheadConfig DEFAULTS = builder().build();

    public BulkheadConfig {
        Checks.atLeast("maxConcurrentCalls", maxConcurrentCalls, 1);
        Checks.notNegative("maxWaitDuration", maxWaitDuration);
    }

    /** 25 concurrent calls, no waiting. */
    public static BulkheadConfig ofDefaults() {
        return DEFAULTS;
    }

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link BulkheadConfig}; each setter validates its value at once. */
    public static final class Builder {
        private int maxConcurrentCalls = 25;
        private Duration maxWaitDuration = Duration.ZERO;

        private Builder() {
        }

        /** Calls in flight at most, >= 1 (default 25). */
        public Builder maxConcurrentCalls(int calls) {
            this.maxConcurrentCalls = Checks.atLeast("maxConcurrentCalls", calls, 1);
            return this;
        }

        /** How long a call waits for a slot, >= 0 (default 0: reject at once). */
        public Builder maxWaitDuration(Duration d) {
            this.maxWaitDuration = Checks.notNegative("maxWaitDuration", d);
            return this;
        }

        /** The config. */
        public BulkheadConfig build() {
            return new BulkheadConfig(maxConcurrentCalls, maxWaitDuration);
        }
    }
}
