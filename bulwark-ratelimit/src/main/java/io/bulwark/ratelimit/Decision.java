package io.bulwark.ratelimit;

import java.time.Duration;
import java.util.Objects;

/**
 * The answer to one {@link RateLimiter#tryAcquire(String, long)}: whether the request may
 * proceed, and the figures a response reports ({@code X-RateLimit-*}, {@code Retry-After}).
 *
 * <p>With several limits, the figures are those of the limit closest to exhaustion: on
 * rejection the rejecting limit with the longest wait, otherwise the limit with the smallest
 * share remaining. A rejection consumes nothing from any limit.
 *
 * <pre>{@code
 * Decision d = limiter.tryAcquire("key-42");
 * if (!d.allowed()) {
 *     throw new RateLimitExceededException("jobs-api", "key-42", d);
 * }
 * if (d.delayed()) {
 *     executor.schedule(work, d.delay().toNanos(), TimeUnit.NANOSECONDS); // pacing
 * }
 * }</pre>
 *
 * @param allowed    true when the request may proceed (possibly after {@code delay})
 * @param closest    the limit closest to exhaustion
 * @param limit      that limit's permits per window
 * @param remaining  permits left in that limit after this decision ({@code >= 0})
 * @param resetAfter time until that limit is fully replenished (buckets) or its window resets
 * @param retryAfter time to wait before the same request could pass; zero when allowed
 * @param delay      for pacing: how long the caller must wait before proceeding; zero otherwise
 */
public record Decision(boolean allowed, Limit closest, long limit, long remaining,
                       Duration resetAfter, Duration retryAfter, Duration delay) {

    /** What happened, as the {@code outcome} label of the decisions metric. */
    public enum Outcome {
        /** Proceed now. */
        ALLOWED,
        /** Proceed after {@link Decision#delay()}. */
        DELAYED,
        /** Do not proceed. */
        REJECTED;

        /** The label value: {@code allowed}, {@code delayed}, {@code rejected}. */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** Validates. */
    public Decision {
        Objects.requireNonNull(closest, "closest");
        Objects.requireNonNull(resetAfter, "resetAfter");
        Objects.requireNonNull(retryAfter, "retryAfter");
        Objects.requireNonNull(delay, "delay");
        if (remaining < 0) {
            throw new IllegalArgumentException("remaining must be >= 0 but was " + remaining);
        }
        if (allowed && !retryAfter.isZero()) {
            throw new IllegalArgumentException("an allowed decision has a zero retryAfter but was " + retryAfter);
        }
        if (!allowed && !delay.isZero()) {
            throw new IllegalArgumentException("a rejected decision has a zero delay but was " + delay);
        }
    }

    /** An allowed decision reporting {@code closest}. */
    public static Decision allow(Limit closest, long remaining, Duration resetAfter, Duration delay) {
        return new Decision(true, closest, closest.permits(), remaining, resetAfter, Duration.ZERO, delay);
    }

    /** A rejection reporting {@code closest}. */
    public static Decision reject(Limit closest, long remaining, Duration resetAfter, Duration retryAfter) {
        return new Decision(false, closest, closest.permits(), remaining, resetAfter, retryAfter, Duration.ZERO);
    }

    /** True when allowed with a non-zero pacing delay. */
    public boolean delayed() {
        return allowed && !delay.isZero();
    }

    /** The outcome label. */
    public Outcome outcome() {
        return !allowed ? Outcome.REJECTED : delay.isZero() ? Outcome.ALLOWED : Outcome.DELAYED;
    }

    /** {@code resetAfter} in whole seconds, rounded up, as {@code X-RateLimit-Reset} carries it. */
    public long resetSeconds() {
        return ceilSeconds(resetAfter);
    }

    /** {@code retryAfter} in whole seconds, rounded up (at least 1 when rejected), for {@code Retry-After}. */
    public long retryAfterSeconds() {
        long s = ceilSeconds(retryAfter);
        return allowed ? s : Math.max(1, s);
    }

    private static long ceilSeconds(Duration d) {
        long s = d.getSeconds();
        return d.getNano() > 0 ? s + 1 : s;
    }
}
