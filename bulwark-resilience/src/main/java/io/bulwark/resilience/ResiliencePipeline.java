package io.bulwark.resilience;

import io.bulwark.resilience.breaker.CircuitBreaker;
import io.bulwark.resilience.bulkhead.Bulkhead;
import io.bulwark.resilience.fallback.Fallback;
import io.bulwark.resilience.internal.Failures;
import io.bulwark.resilience.retry.Retry;
import io.bulwark.resilience.timeout.Timeout;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * Several policies around one call, always in the same order whatever order the builder was
 * given them in (outermost first):
 *
 * <pre>
 *   Fallback → Retry → CircuitBreaker → Bulkhead → Timeout → call
 * </pre>
 *
 * <ul>
 *   <li><b>Timeout innermost</b>: it limits one attempt, so each retry gets its own full limit,
 *       and a timed-out attempt is what the breaker records as a failure.</li>
 *   <li><b>Bulkhead inside the breaker</b>: an open breaker refuses before a slot is taken, so
 *       refused calls never queue; a full bulkhead is a {@code PolicyRejectedException}, which the
 *       breaker does not count against the provider.</li>
 *   <li><b>Breaker inside retry</b>: every attempt is recorded, so a provider failing three times
 *       in one call counts three times; and when the breaker opens mid-call, the next attempt is
 *       refused at once ({@code CallNotPermittedException} is not retried by default).</li>
 *   <li><b>Fallback outermost</b>: it sees only the final outcome, after the retries are spent or
 *       the breaker has refused.</li>
 * </ul>
 *
 * <pre>{@code
 * ResiliencePipeline<Answer> pipeline = ResiliencePipeline.<Answer>builder()
 *         .timeout(timeout).bulkhead(bulkhead).circuitBreaker(breaker).retry(retry).fallback(fallback)
 *         .build();
 * Answer a = pipeline.execute(() -> client.ask(q));
 * }</pre>
 *
 * @param <T> the call's result type
 */
public final class ResiliencePipeline<T> {

    private final Fallback<T> fallback;
    private final Retry retry;
    private final CircuitBreaker circuitBreaker;
    private final Bulkhead bulkhead;
    private final Timeout timeout;

    private ResiliencePipeline(Builder<T> b) {
        this.fallback = b.fallback;
        this.retry = b.retry;
        this.circuitBreaker = b.circuitBreaker;
        this.bulkhead = b.bulkhead;
        this.timeout = b.timeout;
    }

    /** A builder; each policy is optional. */
    public static <T> Builder<T> builder() {
        return new Builder<>();
    }

    /** Runs {@code callable} through the policies. */
    public T execute(Callable<? extends T> callable) throws Exception {
        return decorateCallable(callable).call();
    }

    /** Runs {@code supplier} through the policies. */
    public T executeSupplier(Supplier<? extends T> supplier) {
        return decorateSupplier(supplier).get();
    }

    /** {@code callable} wrapped in the policies; decorate once and reuse it on a hot path. */
    public Callable<T> decorateCallable(Callable<? extends T> callable) {
        Objects.requireNonNull(callable, "callable");
        Callable<T> c = callable::call;
        if (circuitBreaker != null && timeout != null && circuitBreaker.clock().equals(timeout.clock())) {
            Callable<T> call = c;
            c = () -> breakerBulkheadTimeout(call);
        } else {
            if (timeout != null) {
                c = timeout.decorateCallable(c);
            }
            if (bulkhead != null) {
                c = bulkhead.decorateCallable(c);
            }
            if (circuitBreaker != null) {
                c = circuitBreaker.decorateCallable(c);
            }
        }
        if (retry != null) {
            c = retry.decorateCallable(c);
        }
        if (fallback != null) {
            c = fallback.decorateCallable(c);
        }
        return c;
    }

    /** {@code supplier} wrapped in the policies. */
    public Supplier<T> decorateSupplier(Supplier<? extends T> supplier) {
        Objects.requireNonNull(supplier, "supplier");
        Callable<T> c = decorateCallable(supplier::get);
        return () -> {
            try {
                return c.call();
            } catch (Exception e) {
                throw Failures.sneakyThrow(e);
            }
        };
    }

    /**
     * The breaker, the bulkhead (if any) and the timeout around one attempt, as their own
     * {@code executeCallable}s nested would run them, with one clock reading fewer: the timeout's
     * limit counts from the breaker's start reading, taken a few instructions before. When the
     * bulkhead may make the call wait for a slot, the timeout reads the clock after the wait, so
     * the wait does not count against the attempt's limit.
     */
    private T breakerBulkheadTimeout(Callable<T> call) throws Exception {
        CircuitBreaker breaker = circuitBreaker;
        ResilienceClock clock = breaker.clock();
        breaker.acquirePermission();
        long start = clock.nanos();
        try {
            T result;
            if (bulkhead == null) {
                result = timeout.executeCallable(call, start);
            } else {
                boolean mayWait = !bulkhead.config().maxWaitDuration().isZero();
                bulkhead.acquirePermission();
                try {
                    result = timeout.executeCallable(call, mayWait ? clock.nanos() : start);
                } finally {
                    bulkhead.releasePermission();
                }
            }
            breaker.onResult(clock.nanos() - start, result);
            return result;
        } catch (Throwable e) {
            breaker.onError(clock.nanos() - start, e);
            throw e;
        }
    }

    /**
     * {@code supplier} of an asynchronous call wrapped in the policies, in the same order. The
     * retry then needs a scheduler ({@code Retry.builder(...).scheduler(...)}).
     */
    public Supplier<CompletionStage<T>> decorateCompletionStage(Supplier<? extends CompletionStage<T>> supplier) {
        Objects.requireNonNull(supplier, "supplier");
        Supplier<CompletionStage<T>> s = supplier::get;
        if (timeout != null) {
            s = timeout.decorateCompletionStage(s);
        }
        if (bulkhead != null) {
            s = bulkhead.decorateCompletionStage(s);
        }
        if (circuitBreaker != null) {
            s = circuitBreaker.decorateCompletionStage(s);
        }
        if (retry != null) {
            s = retry.decorateCompletionStage(s);
        }
        if (fallback != null) {
            s = fallback.decorateCompletionStage(s);
        }
        return s;
    }

    /** The fallback, if any. */
    public Optional<Fallback<T>> fallback() {
        return Optional.ofNullable(fallback);
    }

    /** The retry, if any. */
    public Optional<Retry> retry() {
        return Optional.ofNullable(retry);
    }

    /** The circuit breaker, if any. */
    public Optional<CircuitBreaker> circuitBreaker() {
        return Optional.ofNullable(circuitBreaker);
    }

    /** The bulkhead, if any. */
    public Optional<Bulkhead> bulkhead() {
        return Optional.ofNullable(bulkhead);
    }

    /** The timeout, if any. */
    public Optional<Timeout> timeout() {
        return Optional.ofNullable(timeout);
    }

    /**
     * Builds a {@link ResiliencePipeline}; the order of the calls does not matter.
     *
     * @param <T> the call's result type
     */
    public static final class Builder<T> {
        private Fallback<T> fallback;
        private Retry retry;
        private CircuitBreaker circuitBreaker;
        private Bulkhead bulkhead;
        private Timeout timeout;

        private Builder() {
        }

        /** The outermost policy. */
        public Builder<T> fallback(Fallback<T> fallback) {
            this.fallback = Objects.requireNonNull(fallback, "fallback");
            return this;
        }

        /** Inside the fallback. */
        public Builder<T> retry(Retry retry) {
            this.retry = Objects.requireNonNull(retry, "retry");
            return this;
        }

        /** Inside the retry: every attempt is recorded. */
        public Builder<T> circuitBreaker(CircuitBreaker breaker) {
            this.circuitBreaker = Objects.requireNonNull(breaker, "circuitBreaker");
            return this;
        }

        /** Inside the breaker. */
        public Builder<T> bulkhead(Bulkhead bulkhead) {
            this.bulkhead = Objects.requireNonNull(bulkhead, "bulkhead");
            return this;
        }

        /** Innermost: limits each attempt. */
        public Builder<T> timeout(Timeout timeout) {
            this.timeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /** The pipeline. */
        public ResiliencePipeline<T> build() {
            return new ResiliencePipeline<>(this);
        }
    }
}
