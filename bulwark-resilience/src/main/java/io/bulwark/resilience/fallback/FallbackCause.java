package io.bulwark.resilience.fallback;

/**
 * What a fallback replaces: the exception a call threw, or the result it returned that the
 * fallback's result predicate rejected. Exactly one of the two is meaningful.
 *
 * @param error the exception (unwrapped from future wrappers), or null
 * @param result the rejected result, or null when the call threw
 * @param <T> the call's result type
 */
public record FallbackCause<T>(Throwable error, T result) {

    /** True when the call threw. */
    public boolean failedWithException() {
        return error != null;
    }
}
