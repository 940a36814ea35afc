package io.bulwark.ratelimit;

/**
 * Thrown by callers (and {@link ProviderLimits#acquire(String, long)}) that turn a rejection
 * into an exception. The message names the limiter, the key, the limit and when to retry.
 */
public class RateLimitExceededException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String limiter;
    private final String key;
    private final transient Decision decision;

    /** A rejection of {@code key} by {@code limiter}. */
    public RateLimitExceededException(String limiter, String key, Decision decision) {
        super("rate limit exceeded: limiter '" + limiter + "', key '" + key + "', limit " + decision.closest()
                + " (remaining " + decision.remaining() + "), retry after " + decision.retryAfter().toMillis() + "ms");
        this.limiter = limiter;
        this.key = key;
        this.decision = decision;
    }

    /** The limiter's name. */
    public String limiter() {
        return limiter;
    }

    /** The key that was limited. */
    public String key() {
        return key;
    }

    /** The rejecting decision. */
    public Decision decision() {
        return decision;
    }
}
