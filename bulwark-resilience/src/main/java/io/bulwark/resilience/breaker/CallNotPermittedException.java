package io.bulwark.resilience.breaker;

import io.bulwark.resilience.PolicyRejectedException;
import java.time.Instant;

/**
 * A circuit breaker refused a call. The message names the breaker, its state, the failure rate
 * that opened it and when it may let calls through again. Thrown without a stack trace: it is a
 * control-flow answer, produced in bulk while a provider is down.
 */
public final class CallNotPermittedException extends PolicyRejectedException {

    private final CircuitBreaker.State state;
    private final Instant retryAt;

    /** A refusal by {@code breaker} in {@code state}; {@code retryAt} may be null when unknown. */
    public CallNotPermittedException(String breaker, CircuitBreaker.State state, Instant retryAt, String message) {
        super(breaker, message);
        this.state = state;
        this.retryAt = retryAt;
    }

    /** The breaker's state when it refused. */
    public CircuitBreaker.State state() {
        return state;
    }

    /** When the breaker may let a call through again, or null when it depends on an operator or a probe. */
    public Instant retryAt() {
        return retryAt;
    }
}
