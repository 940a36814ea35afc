package io.bulwark.resilience.timeout;

import java.time.Duration;

/**
 * A call ran past its timeout and was interrupted (or its future cancelled). A circuit breaker
 * counts it as a failure; a retry retries it by default. The cause, when present, is what the
 * interrupted call threw.
 */
public final class TimeoutExceededException extends RuntimeException {

    private final String timeoutName;
    private final Duration timeout;

    /** {@code name}'s limit {@code timeout} was exceeded. */
    public TimeoutExceededException(String name, Duration timeout, Throwable cause) {
        super("Timeout '" + name + "' exceeded: the call ran longer than "
                + io.bulwark.core.units.Durations.format(timeout) + " and was interrupted", cause);
        this.timeoutName = name;
        this.timeout = timeout;
    }

    /** The name of the timeout instance. */
    public String timeoutName() {
        return timeoutName;
    }

    /** The limit that was exceeded. */
    public Duration timeout() {
        return timeout;
    }
}
