package io.bulwark.resilience.breaker.internal;

import io.bulwark.resilience.breaker.CircuitBreakerConfig;

/**
 * The sliding window of a closed breaker: outcomes go in, counts come out. Recording is
 * lock-free. A window belongs to one CLOSED period; a new period gets a new window.
 */
public sealed interface CallWindow permits CountWindow, TimeWindow {

    /** Records one outcome at {@code nowNanos}; returns the counts after it, or null when they did not change. */
    WindowCounts record(Outcome outcome, long nowNanos);

    /** The counts now, without recording. */
    WindowCounts counts(long nowNanos);

    /** Failures in a row, reset by any success. */
    int consecutiveFailures();

    /** A new, empty window of the configured type and size; a count window's tickets count successes in {@code tally}. */
    static CallWindow of(CircuitBreakerConfig config, long nowNanos, SuccessTally tally) {
        return switch (config.windowType()) {
            case COUNT_BASED -> new CountWindow(config.windowSize(), tally);
            case TIME_BASED -> new TimeWindow(config.windowSize(), nowNanos);
        };
    }

    /** What a recorded call was. */
    enum Outcome {
        SUCCESS(false, false), SLOW_SUCCESS(false, true), FAILURE(true, false), SLOW_FAILURE(true, true);

        final boolean failed;
        final boolean slow;

        Outcome(boolean failed, boolean slow) {
            this.failed = failed;
            this.slow = slow;
        }

        /** The outcome of a call that failed or not and took {@code nanos} against a slow limit. */
        public static Outcome of(boolean failed, long nanos, long slowNanos) {
            boolean slow = nanos >= slowNanos;
            return failed ? (slow ? SLOW_FAILURE : FAILURE) : (slow ? SLOW_SUCCESS : SUCCESS);
        }

        public boolean failed() {
            return failed;
        }

        public boolean slow() {
            return slow;
        }
    }
}
