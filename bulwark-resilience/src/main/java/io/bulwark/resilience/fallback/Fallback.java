package io.bulwark.resilience.fallback;

import io.bulwark.resilience.ResilienceClock;
import io.bulwark.resilience.event.FallbackUsed;
import io.bulwark.resilience.event.ResilienceEvent;
import io.bulwark.resilience.internal.Checks;
import io.bulwark.resilience.internal.Failures;
import io.bulwark.resilience.internal.Listeners;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Replaces a failed call's outcome with a value, or a value computed from the failure. Which
 * failures it handles is set by exception type or predicate and by a result predicate.
 *
 * <pre>{@code
 * Fallback<Quote> cached = Fallback.<Quote>builder("quotes")
 *         .onException(IOException.class, CallNotPermittedException.class)
 *         .onResult(q -> q.isStale())
 *         .apply(cause -> cache.last())
 *         .build(clock);
 * Quote q = cached.executeCallable(() -> quotes.fetch());
 * }</pre>
 *
 * <p>An exception the fallback does not handle, or one thrown by the fallback function itself,
 * reaches the caller. {@link Error}s are never handled.
 *
 * @param <T> the call's result type
 */
public final class Fallback<T> {

    private final String name;
    private final ResilienceClock clock;
    private final Predicate<Throwable> onException;
    private final Predicate<? super T> onResult;
    private final Function<FallbackCause<T>, ? extends T> function;
    private final Listeners listeners = new Listeners();
    private final LongAdder used = new LongAdder();

    private Fallback(Builder<T> b, ResilienceClock clock) {
        this.name = b.name;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.onException = b.onException;
        this.onResult = b.onResult;
        this.function = b.function;
    }

    /** A builder; by default the fallback handles every exception and no result. */
    public static <T> Builder<T> builder(String name) {
        return new Builder<>(name);
    }

    /** A fallback to {@code value} on any exception. */
    public static <T> Fallback<T> of(String name, T value, ResilienceClock clock) {
        return Fallback.<T>builder(name).value(value).build(clock);
    }

    /** The fallback's name. */
    public String name() {
        return name;
    }

    /** Times the fallback replaced an outcome since creation. */
    public long usedCount() {
        return used.sum();
    }

    /** Adds a listener for this fallback's events; a listener that throws never breaks a call. */
    public void addListener(Consumer<ResilienceEvent> listener) {
        listeners.add(listener);
    }

    /** Runs {@code callable}, replacing a handled failure. */
    public T executeCallable(Callable<? extends T> callable) throws Exception {
        T result;
        try {
            result = callable.call();
        } catch (Exception e) {
            Throwable cause = Failures.unwrap(e);
            if (!onException.test(cause)) {
                throw e;
            }
            return use(new FallbackCause<>(cause, null));
        }
        return onResult.test(result) ? use(new FallbackCause<>(null, result)) : result;
    }

    /** Runs {@code supplier}, replacing a handled failure. */
    public T executeSupplier(Supplier<? extends T> supplier) {
        try {
            return executeCallable(supplier::get);
        } catch (Exception e) {
            throw Failures.sneakyThrow(e);
        }
    }

    /** {@code callable} wrapped in this fallback. */
    public Callable<T> decorateCallable(Callable<? extends T> callable) {
        return () -> executeCallable(callable);
    }

    /** {@code supplier} wrapped in this fallback. */
    public Supplier<T> decorateSupplier(Supplier<? extends T> supplier) {
        return () -> executeSupplier(supplier);
    }

    /** {@code supplier} of an asynchronous call wrapped in this fallback. */
    public Supplier<CompletionStage<T>> decorateCompletionStage(Supplier<? extends CompletionStage<T>> supplier) {
        return () -> {
            CompletionStage<T> stage;
            try {
                stage = supplier.get();
            } catch (RuntimeException e) {
                stage = CompletableFuture.failedFuture(e);
            }
            return stage.handle((result, error) -> {
                if (error == null) {
                    return onResult.test(result) ? use(new FallbackCause<>(null, result)) : result;
                }
                Throwable cause = Failures.unwrap(error);
                if (cause instanceof Error || !onException.test(cause)) {
                    throw Failures.sneakyThrow(cause);
                }
                return use(new FallbackCause<>(cause, null));
            });
        };
    }

    private T use(FallbackCause<T> cause) {
        used.increment();
        listeners.publish(() -> new FallbackUsed(name, clock.now(), cause.error(), cause.result()));
        return function.apply(cause);
    }

    /**
     * Builds a {@link Fallback}.
     *
     * @param <T> the call's result type
     */
    public static final class Builder<T> {
        private final String name;
        private Predicate<Throwable> onException = e -> true;
        private Predicate<? super T> onResult = r -> false;
        private Function<FallbackCause<T>, ? extends T> function;

        private Builder(String name) {
            this.name = Checks.name(name);
        }

        /** Handles exceptions of these types (and subtypes) only. */
        @SafeVarargs
        public final Builder<T> onException(Class<? extends Throwable>... types) {
            Class<? extends Throwable>[] copy = types.clone();
            this.onException = e -> {
                for (Class<? extends Throwable> t : copy) {
                    if (t.isInstance(e)) {
                        return true;
                    }
                }
                return false;
            };
            return this;
        }

        /** Handles the exceptions {@code predicate} accepts. */
        public Builder<T> onException(Predicate<Throwable> predicate) {
            this.onException = Objects.requireNonNull(predicate, "onException");
            return this;
        }

        /** Also handles results {@code predicate} accepts (default none). */
        public Builder<T> onResult(Predicate<? super T> predicate) {
            this.onResult = Objects.requireNonNull(predicate, "onResult");
            return this;
        }

        /** Replaces a handled failure with {@code value}. */
        public Builder<T> value(T value) {
            this.function = cause -> value;
            return this;
        }

        /** Replaces a handled failure with what {@code function} computes from it. */
        public Builder<T> apply(Function<FallbackCause<T>, ? extends T> function) {
            this.function = Objects.requireNonNull(function, "function");
            return this;
        }

        /** The fallback; {@code clock} stamps its events. */
        public Fallback<T> build(ResilienceClock clock) {
            if (function == null) {
                throw new IllegalStateException("fallback '" + name + "' needs value(...) or apply(...)");
            }
            return new Fallback<>(this, clock);
        }
    }
}
