package io.bulwark.resilience.retry;

import io.bulwark.resilience.breaker.CallNotPermittedException;
import io.bulwark.resilience.internal.Checks;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * When and how a {@link Retry} tries again. Immutable; built by {@link #builder()}, whose setters
 * reject a bad value at once.
 *
 * <pre>{@code
 * RetryConfig config = RetryConfig.builder()
 *         .maxAttempts(4)
 *         .backoff(Duration.ofMillis(200), 2.0, Duration.ofSeconds(5))   // full jitter
 *         .maxTotalDuration(Duration.ofSeconds(20))
 *         .retryOnResult(HttpOutcomes.resultFailure(HttpResponse.class, HttpResponse::statusCode))
 *         .retryAfter(o -> o instanceof HttpResponse<?> r ? RetryAfter.header(r) : Optional.empty())
 *         .maxRetryAfter(Duration.ofSeconds(30))
 *         .build();
 * }</pre>
 *
 * @param maxAttempts attempts in all, the first included
 * @param backoff the delay before attempt n+1 is uniform in [0, min(cap, base × factor^(n-1))]
 * @param maxTotalDuration no attempt starts that could not start before this much time after the
 *                         first began; {@link Duration#ZERO} = no limit. A call-site deadline replaces it
 * @param retryOnException which exceptions are retried (default: all but {@link CallNotPermittedException})
 * @param retryOnResult which results are retried (default: none)
 * @param retryAfter the delay a failure names (an HTTP Retry-After), applied to the result or the exception
 * @param maxRetryAfter the largest delay taken from {@code retryAfter}
 */
public record RetryConfig(int maxAttempts, Backoff backoff, Duration maxTotalDuration,
                          Predicate<Throwable> retryOnException, Predicate<Object> retryOnResult,
                          Function<Object, Optional<Duration>> retryAfter, Duration maxRetryAfter) {

    private static final RetryConfig DEFAULTS = builder().build();

    public RetryConfig {
        Checks.atLeast("maxAttempts", maxAttempts, 1);
        Objects.requireNonNull(backoff, "backoff");
        Checks.notNegative("maxTotalDuration", maxTotalDuration);
        Objects.requireNonNull(retryOnException, "retryOnException");
        Objects.requireNonNull(retryOnResult, "retryOnResult");
        Objects.requireNonNull(retryAfter, "retryAfter");
        Checks.notNegative("maxRetryAfter", maxRetryAfter);
    }

    /**
     * The defaults: 3 attempts; backoff 100ms × 2 capped at 5s with full jitter; no total limit;
     * every exception but {@link CallNotPermittedException} retried, no result retried; no
     * Retry-After extractor, at most 30s when one is set.
     */
    public static RetryConfig ofDefaults() {
        return DEFAULTS;
    }

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from this config. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** True when a retry should follow {@code error}: never for an interruption, else per {@link #retryOnException}. */
    public boolean retries(Throwable error) {
        return !(error instanceof InterruptedException) && retryOnException.test(error);
    }

    /** Builds a {@link RetryConfig}; each setter validates its value at once. */
    public static final class Builder {
        private int maxAttempts = 3;
        private Backoff backoff = Backoff.of(Duration.ofMillis(100), 2.0, Duration.ofSeconds(5));
        private Duration maxTotalDuration = Duration.ZERO;
        private Predicate<Throwable> retryOnException = e -> !(e instanceof CallNotPermittedException);
        private Predicate<Object> retryOnResult = r -> false;
        private Function<Object, Optional<Duration>> retryAfter = o -> Optional.empty();
        private Duration maxRetryAfter = Duration.ofSeconds(30);

        private Builder() {
        }

        private Builder(RetryConfig c) {
            maxAttempts = c.maxAttempts;
            backoff = c.backoff;
            maxTotalDuration = c.maxTotalDuration;
            retryOnException = c.retryOnException;
            retryOnResult = c.retryOnResult;
            retryAfter = c.retryAfter;
            maxRetryAfter = c.maxRetryAfter;
        }

        /** Attempts in all, the first included, >= 1 (default 3). */
        public Builder maxAttempts(int attempts) {
            this.maxAttempts = Checks.atLeast("maxAttempts", attempts, 1);
            return this;
        }

        /** Capped exponential backoff with full jitter (default 100ms, ×2, cap 5s). */
        public Builder backoff(Duration base, double factor, Duration cap) {
            Checks.notNegative("backoff base", base);
            Checks.atLeast("backoff factor", factor, 1.0);
            Checks.notNegative("backoff cap", cap);
            this.backoff = Backoff.of(base, factor, cap);
            return this;
        }

        /** No attempt starts that could not start within this of the first; ZERO = no limit (default). */
        public Builder maxTotalDuration(Duration d) {
            this.maxTotalDuration = Checks.notNegative("maxTotalDuration", d);
            return this;
        }

        /** Which exceptions are retried; replaces the default (which spares {@link CallNotPermittedException}). */
        public Builder retryOnException(Predicate<Throwable> predicate) {
            this.retryOnException = Objects.requireNonNull(predicate, "retryOnException");
            return this;
        }

        /** Retries only exceptions of these types (and their subtypes). */
        @SafeVarargs
        public final Builder retryOn(Class<? extends Throwable>... types) {
            Class<? extends Throwable>[] copy = types.clone();
            this.retryOnException = e -> {
                for (Class<? extends Throwable> t : copy) {
                    if (t.isInstance(e)) {
                        return true;
                    }
                }
                return false;
            };
            return this;
        }

        /** Which results are retried (default none). */
        public Builder retryOnResult(Predicate<Object> predicate) {
            this.retryOnResult = Objects.requireNonNull(predicate, "retryOnResult");
            return this;
        }

        /** The delay a failed result or exception names, e.g. from a Retry-After header. */
        public Builder retryAfter(Function<Object, Optional<Duration>> extractor) {
            this.retryAfter = Objects.requireNonNull(extractor, "retryAfter");
            return this;
        }

        /** The largest delay honoured from {@code retryAfter} (default 30s). */
        public Builder maxRetryAfter(Duration d) {
            this.maxRetryAfter = Checks.notNegative("maxRetryAfter", d);
            return this;
        }

        /** The config. */
        public RetryConfig build() {
            return new RetryConfig(maxAttempts, backoff, maxTotalDuration, retryOnException, retryOnResult,
                    retryAfter, maxRetryAfter);
        }
    }
}
