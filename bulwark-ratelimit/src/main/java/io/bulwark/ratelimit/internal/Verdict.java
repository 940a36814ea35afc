package io.bulwark.ratelimit.internal;

/**
 * The scratch result of one limit's attempt: a plain mutable holder, confined to the thread
 * that made the attempt, so that an engine can return five figures and a new state without
 * allocating a record per figure.
 */
public final class Verdict {
    /** True when the limit admits the request. */
    public boolean allowed;
    /** The limit's state after admission; unused when rejected. */
    public Object next;
    /** Permits left after this attempt. */
    public long remaining;
    /** Nanoseconds until fully replenished / the window resets. */
    public long resetNanos;
    /** Nanoseconds until the same request could pass; 0 when allowed. */
    public long retryNanos;
    /** Pacing delay in nanoseconds; 0 otherwise. */
    public long delayNanos;

    void allow(Object nextState, long remainingPermits, long reset, long delay) {
        allowed = true;
        next = nextState;
        remaining = remainingPermits;
        resetNanos = reset;
        retryNanos = 0;
        delayNanos = delay;
    }

    void reject(long remainingPermits, long reset, long retry) {
        allowed = false;
        next = null;
        remaining = remainingPermits;
        resetNanos = reset;
        retryNanos = retry;
        delayNanos = 0;
    }
}
