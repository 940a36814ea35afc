package io.bulwark.resilience;

/**
 * A call that a policy refused to start (an open breaker, a full bulkhead). It says nothing
 * about the provider's health, so a circuit breaker never records it as a provider failure.
 */
public abstract class PolicyRejectedException extends RuntimeException {

    private final String policyName;

    /** A rejection by the policy instance {@code policyName}, with a message that carries its live state. */
    protected PolicyRejectedException(String policyName, String message) {
        super(message, null, false, false);
        this.policyName = policyName;
    }

    /** The name of the instance that rejected the call. */
    public String policyName() {
        return policyName;
    }
}
