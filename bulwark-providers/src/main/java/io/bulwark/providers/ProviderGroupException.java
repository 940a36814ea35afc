package io.bulwark.providers;

import java.util.List;
import java.util.stream.Collectors;

/**
 * No provider of a group could answer and degradation had nothing else to give (or its
 * {@code error} action came first). The message names every provider tried and what happened,
 * so an operator reading a 503 knows where to look.
 */
public final class ProviderGroupException extends RuntimeException {

    private final String group;
    private final List<Attempt> attempts;
    private final String degradedReason;

    public ProviderGroupException(String group, List<Attempt> attempts, String degradedReason) {
        super(message(group, attempts, degradedReason));
        this.group = group;
        this.attempts = List.copyOf(attempts);
        this.degradedReason = degradedReason;
    }

    private static String message(String group, List<Attempt> attempts, String degradedReason) {
        String tried = attempts.isEmpty()
                ? "no provider was tried"
                : attempts.stream().map(a -> a.provider() + ": " + a.outcome()).collect(Collectors.joining("; "));
        return "no provider of group '" + group + "' could answer (" + tried + ")"
                + (degradedReason.isEmpty() ? "" : "; the group is degraded: " + degradedReason);
    }

    /** The group. */
    public String group() {
        return group;
    }

    /** What happened with each provider tried, in order. */
    public List<Attempt> attempts() {
        return attempts;
    }

    /** Why the group is degraded, or empty. */
    public String degradedReason() {
        return degradedReason;
    }

    /**
     * When every provider tried was refused by its rate limit, or answered 429 or 503 with
     * {@code Retry-After}: the shortest wait until one would take a call. The gateway answers 429
     * with {@code Retry-After} then, not 503.
     */
    public java.util.Optional<java.time.Duration> retryAfter() {
        if (attempts.isEmpty() || attempts.stream().anyMatch(a -> a.limitedFor().isEmpty())) {
            return java.util.Optional.empty();
        }
        return attempts.stream().map(a -> a.limitedFor().get()).min(java.time.Duration::compareTo);
    }

    /** One provider tried and what came of it ("HTTP 503 after 3 attempts", "circuit breaker OPEN"). */
    public record Attempt(String provider, String outcome, java.util.Optional<java.time.Duration> limitedFor) {

        public Attempt(String provider, String outcome) {
            this(provider, outcome, java.util.Optional.empty());
        }
    }
}
