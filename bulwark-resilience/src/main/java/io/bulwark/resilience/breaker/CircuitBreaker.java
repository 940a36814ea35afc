package io.bulwark.resilience.breaker;

import io.bulwark.resilience.PolicyRejectedException;
import io.bulwark.resilience.ResilienceClock;
import io.bulwark.resilience.breaker.internal.BreakerCore;
import io.bulwark.resilience.breaker.internal.BreakerReports;
import io.bulwark.resilience.event.BreakerCallRecorded;
import io.bulwark.resilience.event.BreakerCallRecorded.Outcome;
import io.bulwark.resilience.event.ResilienceEvent;
import io.bulwark.resilience.internal.Checks;
import io.bulwark.resilience.internal.Failures;
import io.bulwark.resilience.internal.Listeners;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A circuit breaker: stops calling a provider that keeps failing, lets a few probes through
 * after a wait, and closes again when they succeed.
 *
 * <pre>{@code
 * CircuitBreaker breaker = CircuitBreaker.of("payments", CircuitBreakerConfig.ofDefaults(), ResilienceClock.system());
 * Receipt r = breaker.executeCallable(() -> payments.charge(order));   // CallNotPermittedException when open
 *
 * // or by hand, e.g. around a call the breaker does not run itself:
 * if (breaker.tryAcquirePermission()) {
 *     long start = System.nanoTime();
 *     try { var resp = send(); breaker.onResult(System.nanoTime() - start, resp); }
 *     catch (Exception e) { breaker.onError(System.nanoTime() - start, e); throw e; }
 * }
 * }</pre>
 *
 * <p>Every permission must be followed by exactly one of {@link #onSuccess}, {@link #onError},
 * {@link #onResult} or {@link #releasePermission()}: in HALF_OPEN that frees the probe slot
 * (and a probe that never returns frees it after {@code probeTimeout}). A rejection by another
 * policy ({@link PolicyRejectedException}) and an ignored exception type free the slot without
 * counting. The recording path is lock-free; see {@code BreakerCore} for the design.
 */
public final class CircuitBreaker {

    /** The states of a breaker. */
    public enum State {
        /** Calls pass and are recorded. */
        CLOSED,
        /** Calls are refused until the wait elapses. */
        OPEN,
        /** A few probes pass; M successes close, one failure reopens. */
        HALF_OPEN,
        /** Calls are refused until an operator closes or resets it. */
        FORCED_OPEN,
        /** Calls pass and are not recorded until an operator resets it. */
        FORCED_CLOSED,
        /** Calls pass and are not recorded: the breaker is switched off. */
        DISABLED
    }

    /** How many transitions a breaker keeps in memory (and loads from its history store). */
    public static final int HISTORY_KEPT = 200;

    private final String name;
    private final ResilienceClock clock;
    private final SharedBreakerState sharedState;
    private final Listeners listeners = new Listeners();
    private final LongAdder[] calls = new LongAdder[Outcome.values().length];
    private final BreakerReports reports;
    private final BreakerCore core;

    private CircuitBreaker(Builder b) {
        this.name = b.name;
        this.clock = b.clock;
        this.sharedState = b.sharedState;
        for (int i = 0; i < calls.length; i++) {
            calls[i] = new LongAdder();
        }
        this.reports = new BreakerReports(name, HISTORY_KEPT, b.historyStore, sharedState, listeners);
        this.core = new BreakerCore(b.config, clock, reports);
    }

    /** A breaker on {@code clock}; production callers pass {@link ResilienceClock#system()}. */
    public static CircuitBreaker of(String name, CircuitBreakerConfig config, ResilienceClock clock) {
        return builder(name).config(config).clock(clock).build();
    }

    /** A breaker whose ticker follows {@code clock} (tests with a settable clock). */
    public static CircuitBreaker of(String name, CircuitBreakerConfig config, InstantSource clock) {
        return of(name, config, ResilienceClock.of(clock));
    }

    /** A builder for a breaker with history or shared state. */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** The breaker's name. */
    public String name() {
        return name;
    }

    /** The clock the breaker times calls and its open state on. */
    public ResilienceClock clock() {
        return clock;
    }

    /** The config in force. */
    public CircuitBreakerConfig config() {
        return core.config();
    }

    /** The state now. An OPEN breaker whose wait has elapsed reads OPEN until the next call asks for permission. */
    public State state() {
        return core.state();
    }

    /** True while the breaker refuses calls without asking it: forced open, or open with its wait not over. */
    public boolean refusesCalls() {
        return core.refusesCalls();
    }

    /** Asks to start a call; false when the breaker refuses it. A true answer must be followed by an outcome or a release. */
    public boolean tryAcquirePermission() {
        if (core.tryAcquire()) {
            return true;
        }
        notPermitted(null);
        return false;
    }

    /** Asks to start a call, throwing {@link CallNotPermittedException} (with live state) when refused. */
    public void acquirePermission() {
        if (!core.tryAcquire()) {
            CallNotPermittedException refused = new CallNotPermittedException(name, core.state(), core.openUntil(),
                    core.refusal(name));
            notPermitted(refused);
            throw refused;
        }
    }

    /** Frees a permission without recording an outcome (the call was cancelled or never ran). */
    public void releasePermission() {
        core.release();
    }

    /** Records a successful call that took {@code nanos}. */
    public void onSuccess(long nanos) {
        recorded(false, nanos, null);
    }

    /** Records a call that returned {@code result}; a failure when the config's {@code recordResult} says so. */
    public void onResult(long nanos, Object result) {
        recorded(core.config().recordResult().test(result), nanos, null);
    }

    /**
     * Records a call that threw {@code error}: a failure, a success, or ignored per the config.
     * A rejection by another policy and a cancellation by the caller are always ignored: neither
     * says anything about the provider.
     */
    public void onError(long nanos, Throwable error) {
        Throwable cause = Failures.unwrap(error);
        CircuitBreakerConfig config = core.config();
        if (cause instanceof PolicyRejectedException || cause instanceof CancellationException
                || config.isIgnored(cause)) {
            core.release();
            count(Outcome.IGNORED, nanos, cause);
            return;
        }
        recorded(config.recordException().test(cause), nanos, cause);
    }

    private void recorded(boolean failed, long nanos, Throwable error) {
        if (core.record(failed, nanos)) { // a success its window's ticket counted already
            published(Outcome.SUCCESS, nanos, null);
            return;
        }
        boolean slow = nanos >= core.config().slowCallDuration().toNanos();
        count(failed ? (slow ? Outcome.SLOW_ERROR : Outcome.ERROR) : (slow ? Outcome.SLOW_SUCCESS : Outcome.SUCCESS),
                nanos, error);
    }

    private void count(Outcome outcome, long nanos, Throwable error) {
        calls[outcome.ordinal()].increment();
        published(outcome, nanos, error);
    }

    private void published(Outcome outcome, long nanos, Throwable error) {
        if (listeners.any()) {
            listeners.publish(() -> new BreakerCallRecorded(name, clock.now(), outcome, Duration.ofNanos(nanos), error));
        }
    }

    private void notPermitted(CallNotPermittedException refused) {
        calls[Outcome.NOT_PERMITTED.ordinal()].increment();
        if (listeners.any()) {
            listeners.publish(() -> new BreakerCallRecorded(name, clock.now(), Outcome.NOT_PERMITTED, Duration.ZERO,
                    refused));
        }
    }

    /** Opens the breaker until {@link #forceClose()} or {@link #reset()}. */
    public void forceOpen() {
        core.force(State.FORCED_OPEN, "forced open by an operator");
    }

    /** Lets every call through unrecorded until {@link #reset()}. */
    public void forceClose() {
        core.force(State.FORCED_CLOSED, "forced closed by an operator");
    }

    /** Switches the breaker off: every call passes, nothing is recorded, until {@link #reset()}. */
    public void disable() {
        core.force(State.DISABLED, "disabled by an operator");
    }

    /** Back to CLOSED with an empty window and no trip count; the history is kept. */
    public void reset() {
        core.force(State.CLOSED, "reset by an operator");
    }

    /** Puts a new config in force at runtime; the state and the history are kept, a CLOSED window starts afresh. */
    public void reconfigure(CircuitBreakerConfig config) {
        core.reconfigure(Objects.requireNonNull(config, "config"));
    }

    /** Opens this breaker because another node opened it (called by a {@link SharedBreakerState}). */
    public boolean openFromRemote(Instant openUntil, String node) {
        return core.openFromRemote(Objects.requireNonNull(openUntil, "openUntil"), Checks.name(node));
    }

    /** Starts applying other nodes' opens to this breaker (done once it is the instance in use). */
    void attachToCluster() {
        if (sharedState != null) {
            sharedState.attach(this);
        }
    }

    /** Stops applying other nodes' opens to this breaker (it still publishes its own, if built with a shared state). */
    public void detachFromCluster() {
        if (sharedState != null) {
            sharedState.detach(this);
        }
    }

    /** A snapshot of the window and counters. */
    public BreakerMetrics metrics() {
        return core.metrics();
    }

    /** Calls recorded with {@code outcome} since the breaker was created. */
    public long calls(Outcome outcome) {
        long counted = calls[outcome.ordinal()].sum();
        return outcome == Outcome.SUCCESS ? counted + core.windowSuccesses() : counted;
    }

    /** The transitions kept, oldest first (including those loaded from the history store). */
    public List<BreakerTransition> history() {
        return reports.history();
    }

    /** Adds a listener for this breaker's events; a listener that throws never breaks a call. */
    public void addListener(Consumer<ResilienceEvent> listener) {
        listeners.add(listener);
    }

    /** Runs {@code callable} through the breaker. */
    public <T> T executeCallable(Callable<T> callable) throws Exception {
        acquirePermission();
        long start = clock.nanos();
        try {
            T result = callable.call();
            onResult(clock.nanos() - start, result);
            return result;
        } catch (Throwable e) {
            onError(clock.nanos() - start, e);
            throw e;
        }
    }

    /** Runs {@code supplier} through the breaker. */
    public <T> T executeSupplier(Supplier<T> supplier) {
        acquirePermission();
        long start = clock.nanos();
        try {
            T result = supplier.get();
            onResult(clock.nanos() - start, result);
            return result;
        } catch (Throwable e) {
            onError(clock.nanos() - start, e);
            throw e;
        }
    }

    /** {@code supplier} wrapped in the breaker. */
    public <T> Supplier<T> decorateSupplier(Supplier<T> supplier) {
        return () -> executeSupplier(supplier);
    }

    /** {@code callable} wrapped in the breaker. */
    public <T> Callable<T> decorateCallable(Callable<T> callable) {
        return () -> executeCallable(callable);
    }

    /** {@code runnable} wrapped in the breaker. */
    public Runnable decorateRunnable(Runnable runnable) {
        return () -> executeSupplier(() -> {
            runnable.run();
            return null;
        });
    }

    /**
     * {@code supplier} of an asynchronous call wrapped in the breaker: a refusal completes the
     * stage exceptionally with {@link CallNotPermittedException}; the outcome is recorded when
     * the stage completes.
     */
    public <T> Supplier<CompletionStage<T>> decorateCompletionStage(Supplier<? extends CompletionStage<T>> supplier) {
        return () -> {
            try {
                acquirePermission();
            } catch (CallNotPermittedException refused) {
                return CompletableFuture.failedFuture(refused);
            }
            long start = clock.nanos();
            CompletionStage<T> stage;
            try {
                stage = supplier.get();
            } catch (Throwable e) {
                onError(clock.nanos() - start, e);
                return CompletableFuture.failedFuture(e);
            }
            return stage.whenComplete((result, error) -> {
                if (error != null) {
                    onError(clock.nanos() - start, error);
                } else {
                    onResult(clock.nanos() - start, result);
                }
            });
        };
    }

    /** Builds a {@link CircuitBreaker}. */
    public static final class Builder {
        private final String name;
        private CircuitBreakerConfig config = CircuitBreakerConfig.ofDefaults();
        private ResilienceClock clock;
        private BreakerHistoryStore historyStore;
        private SharedBreakerState sharedState;

        private Builder(String name) {
            this.name = Checks.name(name);
        }

        /** The config (default {@link CircuitBreakerConfig#ofDefaults()}). */
        public Builder config(CircuitBreakerConfig config) {
            this.config = Objects.requireNonNull(config, "config");
            return this;
        }

        /** The clocks (required). */
        public Builder clock(ResilienceClock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Persists transitions and loads the recent ones on creation. */
        public Builder historyStore(BreakerHistoryStore store) {
            this.historyStore = Objects.requireNonNull(store, "historyStore");
            return this;
        }

        /** Shares opens with other nodes. */
        public Builder sharedState(SharedBreakerState shared) {
            this.sharedState = Objects.requireNonNull(shared, "sharedState");
            return this;
        }

        /** The breaker. */
        public CircuitBreaker build() {
            CircuitBreaker breaker = buildUnattached();
            breaker.attachToCluster();
            return breaker;
        }

        /**
         * The breaker, not yet attached to its shared state: a registry attaches only the instance
         * that wins a race for a name, so that a dropped one never receives other nodes' opens.
         */
        CircuitBreaker buildUnattached() {
            if (clock == null) {
                throw new IllegalStateException("clock must be set for breaker '" + name
                        + "'; pass ResilienceClock.system() in production");
            }
            return new CircuitBreaker(this);
        }
    }
}
