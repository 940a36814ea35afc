package io.bulwark.resilience.bulkhead;

import io.bulwark.resilience.ResilienceClock;
import io.bulwark.resilience.event.BulkheadRejected;
import io.bulwark.resilience.event.ResilienceEvent;
import io.bulwark.resilience.bulkhead.internal.Slots;
import io.bulwark.resilience.internal.Checks;
import io.bulwark.resilience.internal.Listeners;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Limits the calls in flight to one provider so that a slow provider cannot take every thread.
 * A call that finds no slot waits up to {@code maxWaitDuration} (fairly, in arrival order), then
 * fails with {@link BulkheadFullException}.
 *
 * <pre>{@code
 * Bulkhead bulkhead = Bulkhead.of("openai", BulkheadConfig.builder().maxConcurrentCalls(10).build(), clock);
 * Answer a = bulkhead.executeCallable(() -> client.ask(q));
 * }</pre>
 *
 * <p>Built on a semaphore-like synchronizer ({@code Slots}): taking a free slot is one CAS and also
 * counts the call as let through; waiting parks in arrival order (a virtual thread unmounts). The
 * limit can be changed at runtime with {@link #reconfigure}.
 */
public final class Bulkhead {

    private final String name;
    private final ResilienceClock clock;
    private final Listeners listeners = new Listeners();
    private final Slots slots;
    private final LongAdder rejected = new LongAdder();
    private final ReentrantLock resize = new ReentrantLock();
    private volatile BulkheadConfig config;

    private Bulkhead(String name, BulkheadConfig config, ResilienceClock clock) {
        this.name = Checks.name(name);
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.slots = new Slots(config.maxConcurrentCalls());
    }

    /** A bulkhead; the clock measures how long rejected calls waited. */
    public static Bulkhead of(String name, BulkheadConfig config, ResilienceClock clock) {
        return new Bulkhead(name, config, clock);
    }

    /** The bulkhead's name. */
    public String name() {
        return name;
    }

    /** The config in force. */
    public BulkheadConfig config() {
        return config;
    }

    /** Calls in flight now. */
    public int inUse() {
        return slots.inUse();
    }

    /** Calls waiting for a slot now (an estimate). */
    public int waiting() {
        return slots.waiting();
    }

    /** Free slots now. */
    public int available() {
        return Math.max(0, slots.available());
    }

    /** Calls refused since creation. */
    public long rejectedCount() {
        return rejected.sum();
    }

    /** Calls let through since creation. */
    public long permittedCount() {
        return slots.taken();
    }

    /** Adds a listener for this bulkhead's events; a listener that throws never breaks a call. */
    public void addListener(Consumer<ResilienceEvent> listener) {
        listeners.add(listener);
    }

    /** Changes the limit at runtime: new slots free at once, removed ones as calls in flight finish. */
    public void reconfigure(BulkheadConfig next) {
        Objects.requireNonNull(next, "config");
        resize.lock();
        try {
            config = next;
            slots.limit(next.maxConcurrentCalls());
        } finally {
            resize.unlock();
        }
    }

    /** Takes a slot, waiting up to maxWaitDuration; false when none freed in time. A true answer must be followed by {@link #releasePermission()}. */
    public boolean tryAcquirePermission() {
        return take(config) < 0;
    }

    /** Takes a slot or throws {@link BulkheadFullException} with the live state. */
    public void acquirePermission() {
        BulkheadConfig c = config;
        long waited = take(c);
        if (waited >= 0) {
            throw new BulkheadFullException(name, c.maxConcurrentCalls(), inUse(), Duration.ofNanos(waited),
                    c.maxWaitDuration());
        }
    }

    /** -1 when a slot was taken, else the nanoseconds waited in vain (the rejection is counted and published). */
    private long take(BulkheadConfig c) {
        if (slots.tryTake()) {
            return -1;
        }
        long waited = 0;
        if (!c.maxWaitDuration().isZero()) {
            long start = clock.nanos();
            try {
                if (slots.tryTake(c.maxWaitDuration().toNanos())) {
                    return -1;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // the caller sees a rejection and its interrupt flag
            }
            waited = Math.max(0, clock.nanos() - start);
        }
        rejected.increment();
        Duration w = Duration.ofNanos(waited);
        listeners.publish(() -> new BulkheadRejected(name, clock.now(), c.maxConcurrentCalls(), inUse(), w));
        return waited;
    }

    /** Frees a slot taken by a successful acquisition. */
    public void releasePermission() {
        slots.give();
    }

    /** Runs {@code callable} in a slot. */
    public <T> T executeCallable(Callable<T> callable) throws Exception {
        acquirePermission();
        try {
            return callable.call();
        } finally {
            slots.give();
        }
    }

    /** Runs {@code supplier} in a slot. */
    public <T> T executeSupplier(Supplier<T> supplier) {
        acquirePermission();
        try {
            return supplier.get();
        } finally {
            slots.give();
        }
    }

    /** {@code callable} wrapped in this bulkhead. */
    public <T> Callable<T> decorateCallable(Callable<T> callable) {
        return () -> executeCallable(callable);
    }

    /** {@code supplier} wrapped in this bulkhead. */
    public <T> Supplier<T> decorateSupplier(Supplier<T> supplier) {
        return () -> executeSupplier(supplier);
    }

    /** An asynchronous call holding a slot from its start until its stage completes. */
    public <T> Supplier<CompletionStage<T>> decorateCompletionStage(Supplier<? extends CompletionStage<T>> supplier) {
        return () -> {
            try {
                acquirePermission();
            } catch (BulkheadFullException full) {
                return CompletableFuture.failedFuture(full);
            }
            CompletionStage<T> stage;
            try {
                stage = supplier.get();
            } catch (RuntimeException | Error e) {
                slots.give();
                return CompletableFuture.failedFuture(e);
            }
            return stage.whenComplete((r, e) -> slots.give());
        };
    }
}
