package io.bulwark.resilience.timeout;

import io.bulwark.resilience.ResilienceClock;
import io.bulwark.resilience.event.ResilienceEvent;
import io.bulwark.resilience.event.TimeoutExceeded;
import io.bulwark.resilience.internal.Checks;
import io.bulwark.resilience.internal.Failures;
import io.bulwark.resilience.internal.Listeners;
import io.bulwark.resilience.timeout.internal.Interrupter;
import io.bulwark.resilience.timeout.internal.Watchdog;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Interrupts a call that runs past its limit, so that the work stops rather than running on
 * unobserved.
 *
 * <pre>{@code
 * Timeout timeout = Timeout.of("openai", TimeoutConfig.of(Duration.ofSeconds(5)), scheduler, clock);
 * Answer a = timeout.executeCallable(() -> client.ask(q));   // TimeoutExceededException after 5s
 * }</pre>
 *
 * <p>Design notes. A synchronous call runs on the caller's thread; a {@code Watchdog} task on the
 * injected scheduler interrupts that thread at the deadline (one task watches every call in
 * flight, so the scheduler is not woken per call; a call borrows one of its preallocated slots
 * and allocates nothing). The interrupt and the end of the call race through one small state
 * machine per call (RUNNING, then ended by the caller or INTERRUPTING then INTERRUPTED by the
 * timer): when the timer won, the caller waits
 * the few instructions until the interrupt has been delivered and then clears it, so that no
 * stray interrupt leaks into whatever the thread does next. A call that outlives its limit
 * fails with {@link TimeoutExceededException} even when it then returned a value, so the result
 * never depends on how the call reacts to interruption. Asynchronous calls: a task run by
 * {@link #executeAsync} is cancelled with interruption (its thread is interrupted); a
 * {@link CompletionStage} from elsewhere completes exceptionally and its source is cancelled.
 */
public final class Timeout {

    /** Synchronous calls one timeout watches with a shared task; more at once each schedule their own interrupt. */
    private static final int WATCHED_CALLS = 256;

    private final String name;
    private final ScheduledExecutorService scheduler;
    private final ResilienceClock clock;
    private final Listeners listeners = new Listeners();
    private final LongAdder timeouts = new LongAdder();
    private final Watchdog watchdog;
    private volatile TimeoutConfig config;

    private Timeout(String name, TimeoutConfig config, ScheduledExecutorService scheduler, ResilienceClock clock) {
        this.name = Checks.name(name);
        this.config = Objects.requireNonNull(config, "config");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.watchdog = new Watchdog(scheduler, clock.ticker(), WATCHED_CALLS);
    }

    /** A timeout whose interrupts are scheduled on {@code scheduler}. */
    public static Timeout of(String name, TimeoutConfig config, ScheduledExecutorService scheduler,
                             ResilienceClock clock) {
        return new Timeout(name, config, scheduler, clock);
    }

    /** The timeout's name. */
    public String name() {
        return name;
    }

    /** The config in force. */
    public TimeoutConfig config() {
        return config;
    }

    /** The clock the limit is measured on. */
    public ResilienceClock clock() {
        return clock;
    }

    /** Puts a new limit in force for calls that start from now on. */
    public void reconfigure(TimeoutConfig next) {
        this.config = Objects.requireNonNull(next, "config");
    }

    /** Calls that exceeded the limit since creation. */
    public long timeoutCount() {
        return timeouts.sum();
    }

    /** Adds a listener for this timeout's events; a listener that throws never breaks a call. */
    public void addListener(Consumer<ResilienceEvent> listener) {
        listeners.add(listener);
    }

    /** Runs {@code callable} on this thread, interrupting it at the limit. */
    public <T> T executeCallable(Callable<T> callable) throws Exception {
        return executeCallable(callable, clock.nanos());
    }

    /**
     * Runs {@code callable} on this thread with its limit counted from {@code startNanos}, a
     * reading of this timeout's {@link #clock() ticker} taken just before by the caller (a
     * {@link io.bulwark.resilience.ResiliencePipeline} shares its breaker's reading), interrupting
     * it at the limit.
     */
    public <T> T executeCallable(Callable<T> callable, long startNanos) throws Exception {
        TimeoutConfig c = config;
        long timeoutNanos = c.timeout().toNanos();
        int slot = watchdog.watch(startNanos + timeoutNanos);
        if (slot < 0) {
            return executeAlone(callable, c, timeoutNanos);
        }
        T result = null;
        Throwable error = null;
        try {
            result = callable.call();
        } catch (Throwable t) {
            error = t;
        }
        return outcome(watchdog.finish(slot), result, error, c);
    }

    /** A call made while the watchdog's every slot is taken: it schedules its own interrupt. */
    private <T> T executeAlone(Callable<T> callable, TimeoutConfig c, long timeoutNanos) throws Exception {
        Interrupter interrupter = new Interrupter(Thread.currentThread());
        ScheduledFuture<?> timer = scheduler.schedule(interrupter, timeoutNanos, TimeUnit.NANOSECONDS);
        T result = null;
        Throwable error = null;
        try {
            result = callable.call();
        } catch (Throwable t) {
            error = t;
        }
        boolean inTime = interrupter.finish();
        if (inTime) {
            timer.cancel(false);
        }
        return outcome(inTime, result, error, c);
    }

    /** What a call that ended {@code inTime} (or not) with {@code result} or {@code error} answers. */
    private <T> T outcome(boolean inTime, T result, Throwable error, TimeoutConfig c) {
        if (!inTime) {
            throw exceeded(c, error);
        }
        if (error != null) {
            throw Failures.sneakyThrow(error);
        }
        return result;
    }

    /** Runs {@code supplier} on this thread, interrupting it at the limit. */
    public <T> T executeSupplier(Supplier<T> supplier) {
        try {
            return executeCallable(supplier::get);
        } catch (Exception e) {
            throw Failures.sneakyThrow(e);
        }
    }

    /** {@code callable} wrapped in this timeout. */
    public <T> Callable<T> decorateCallable(Callable<T> callable) {
        return () -> executeCallable(callable);
    }

    /** {@code supplier} wrapped in this timeout. */
    public <T> Supplier<T> decorateSupplier(Supplier<T> supplier) {
        return () -> executeSupplier(supplier);
    }

    /**
     * Runs {@code task} on {@code executor} without blocking the caller: at the limit the task is
     * cancelled WITH interruption (its thread is interrupted) and the returned stage fails with
     * {@link TimeoutExceededException}.
     */
    public <T> CompletableFuture<T> executeAsync(Callable<T> task, Executor executor) {
        TimeoutConfig c = config;
        CompletableFuture<T> outcome = new CompletableFuture<>();
        AtomicReference<ScheduledFuture<?>> timer = new AtomicReference<>();
        AtomicBoolean decided = new AtomicBoolean(); // the timer or the task: who answers the caller
        FutureTask<T> running = new FutureTask<>(task) {
            @Override
            protected void done() {
                if (!decided.compareAndSet(false, true)) {
                    return; // the timer answered the caller
                }
                ScheduledFuture<?> t = timer.get();
                if (t != null) {
                    t.cancel(false);
                }
                if (isCancelled()) {
                    outcome.cancel(false); // a no-op when the timer completed it first
                    return;
                }
                try {
                    outcome.complete(get());
                } catch (ExecutionException e) {
                    outcome.completeExceptionally(e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    outcome.completeExceptionally(e);
                }
            }
        };
        timer.set(scheduler.schedule(() -> {
            if (decided.compareAndSet(false, true)) {
                outcome.completeExceptionally(exceeded(c, null));
                running.cancel(true);
            }
        }, c.timeout().toNanos(), TimeUnit.NANOSECONDS));
        outcome.whenComplete((r, e) -> {
            if (outcome.isCancelled()) {
                running.cancel(true); // the caller gave up: stop the work too
            }
        });
        try {
            executor.execute(running);
        } catch (RejectedExecutionException e) {
            timer.get().cancel(false);
            outcome.completeExceptionally(e);
        }
        return outcome;
    }

    /**
     * {@code supplier} of an asynchronous call wrapped in this timeout: at the limit the returned
     * stage fails with {@link TimeoutExceededException} and the source stage is cancelled
     * ({@code cancel(true)}; a plain {@link CompletableFuture} cannot interrupt the thread behind
     * it, so use {@link #executeFuture} for work that must be interrupted).
     */
    public <T> Supplier<CompletionStage<T>> decorateCompletionStage(Supplier<? extends CompletionStage<T>> supplier) {
        return () -> {
            TimeoutConfig c = config;
            CompletableFuture<T> outcome = new CompletableFuture<>();
            CompletionStage<T> stage;
            try {
                stage = supplier.get();
            } catch (RuntimeException e) {
                return CompletableFuture.failedFuture(e);
            }
            CompletableFuture<T> source = stage.toCompletableFuture();
            AtomicBoolean decided = new AtomicBoolean(); // the timer or the source: who answers the caller
            ScheduledFuture<?> timer;
            try {
                timer = scheduler.schedule(() -> {
                    if (decided.compareAndSet(false, true)) {
                        source.cancel(true); // cancelled before the caller hears of the timeout
                        outcome.completeExceptionally(exceeded(c, null));
                    }
                }, c.timeout().toNanos(), TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                return CompletableFuture.failedFuture(e);
            }
            source.whenComplete((r, e) -> {
                if (!decided.compareAndSet(false, true)) {
                    return; // the timer answered the caller
                }
                timer.cancel(false);
                if (e != null) {
                    outcome.completeExceptionally(Failures.unwrap(e));
                } else {
                    outcome.complete(r);
                }
            });
            return outcome;
        };
    }

    private TimeoutExceededException exceeded(TimeoutConfig c, Throwable cause) {
        timeouts.increment();
        listeners.publish(() -> new TimeoutExceeded(name, clock.now(), c.timeout()));
        return new TimeoutExceededException(name, c.timeout(), cause);
    }
}
