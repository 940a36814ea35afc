package io.bulwark.jobs;

import java.time.Duration;
import java.util.Optional;

/**
 * A failure a handler throws to steer what happens next: retry after a delay it names (an HTTP
 * {@code Retry-After}, for instance) or give up at once. Any other exception is a retryable
 * failure with the job's backoff.
 */
public final class JobFailure extends Exception {

    private final boolean retryable;
    private final Duration retryAfter;

    private JobFailure(String message, boolean retryable, Duration retryAfter, Throwable cause) {
        super(message, cause);
        this.retryable = retryable;
        this.retryAfter = retryAfter;
    }

    /** Retry after {@code delay} instead of the backoff (still bounded by maxAttempts). */
    public static JobFailure retryAfter(Duration delay, String message) {
        if (delay == null || delay.isNegative()) {
            throw new IllegalArgumentException("retry delay must be >= 0 but was " + delay);
        }
        return new JobFailure(message, true, delay, null);
    }

    /** Do not retry: the job is dead at once. */
    public static JobFailure permanent(String message) {
        return new JobFailure(message, false, null, null);
    }

    /** Do not retry, keeping the cause. */
    public static JobFailure permanent(String message, Throwable cause) {
        return new JobFailure(message, false, null, cause);
    }

    public boolean retryable() {
        return retryable;
    }

    /** The delay the handler named, if any. */
    public Optional<Duration> retryDelay() {
        return Optional.ofNullable(retryAfter);
    }
}
