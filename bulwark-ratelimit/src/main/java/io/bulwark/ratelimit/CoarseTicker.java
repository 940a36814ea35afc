package io.bulwark.ratelimit;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * A nanosecond ticker for rate limiters that costs a field read instead of a
 * {@code System.nanoTime()} call: a daemon thread publishes a fresh reading of the source every
 * period, and readers return the latest one.
 *
 * <pre>{@code
 * LocalRateLimiter limiter = LocalRateLimiter.of(config, CoarseTicker.system());
 * RateLimiterRegistry limiters = RateLimiterRegistry.local(CoarseTicker.system());
 * }</pre>
 *
 * <p><b>It never runs ahead of the source.</b> Every value it returns is a reading the source
 * gave at or before the moment it is returned, so it lags real time by at most about one period
 * (plus however late the ticker thread was scheduled). For a limiter that is the safe direction:
 * a lagging clock refills late, so it can under-admit by at most the lag's worth of refill and
 * never over-admits. A rejected request retried exactly at its {@code retryAfter} may be rejected
 * once more, by that lag. Use {@code System::nanoTime} where that matters more than ~20 ns.
 *
 * <p>It ticks only while it is used: after {@code idleAfter} without a reader the thread
 * stops (an idle server is not woken a thousand times a second), and the next reader reads the
 * source itself and starts it again.
 *
 * <h2>Design notes</h2>
 * One volatile field, {@code now}, holds the latest reading, or {@link #STOPPED} when no thread
 * ticks; a reader that sees {@code STOPPED} reads the source directly, so it never uses a value
 * left over from before the pause. Readers mark use in a plain {@code touched} flag (opaque
 * access) that they write only when it is false, so on the hot path they write nothing shared:
 * the flag's cache line changes hands once per tick, not once per read. Each tick, the thread
 * clears the flag; after {@code idleTicks} ticks in a row that find it clear, it publishes
 * {@code STOPPED} first and only then releases {@code ticking}, so whoever starts the next thread
 * (the reader that wins the {@code ticking} CAS) publishes its reading after the old thread's
 * last write. A source reading equal to {@code STOPPED} is never published (the field keeps its
 * older, lagging value). Tests drive a manual instance, {@link #manual}, tick by tick.
 */
public final class CoarseTicker implements LongSupplier {

    /** The value of {@code now} while no thread ticks. */
    private static final long STOPPED = Long.MIN_VALUE;

    private static final VarHandle TOUCHED;

    static {
        try {
            TOUCHED = MethodHandles.lookup().findVarHandle(CoarseTicker.class, "touched", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final LongSupplier source;
    private final long periodNanos;
    private final int idleTicks;
    private final boolean startsThreads;
    private final AtomicBoolean ticking = new AtomicBoolean();
    private volatile long now = STOPPED;
    @SuppressWarnings("unused") // accessed through TOUCHED
    private boolean touched;
    /** Ticks in a row without a reader; confined to the ticking thread (handed over by {@code ticking}). */
    private int idle;
    /** How many times a ticking thread was started (or, manual, would have been); for tests. */
    private volatile int starts;

    private CoarseTicker(LongSupplier source, long periodNanos, int idleTicks, boolean startsThreads) {
        this.source = Objects.requireNonNull(source, "source");
        this.periodNanos = periodNanos;
        this.idleTicks = idleTicks;
        this.startsThreads = startsThreads;
    }

    /**
     * The shared ticker over {@code System.nanoTime()}: a period of 1 ms, stopping after 1 s
     * without a reader. One thread at most for the whole JVM.
     */
    public static CoarseTicker system() {
        return Shared.INSTANCE;
    }

    /**
     * A ticker over {@code source} with its own thread, publishing every {@code period} and
     * stopping after {@code idleAfter} without a reader.
     *
     * @throws IllegalArgumentException when period is not positive or idleAfter is shorter than period
     */
    public static CoarseTicker of(LongSupplier source, Duration period, Duration idleAfter) {
        Objects.requireNonNull(period, "period");
        Objects.requireNonNull(idleAfter, "idleAfter");
        if (period.isNegative() || period.isZero() || period.compareTo(Duration.ofSeconds(1)) > 0) {
            throw new IllegalArgumentException("period must be > 0 and <= 1s but was " + period);
        }
        if (idleAfter.compareTo(period) < 0 || idleAfter.compareTo(Duration.ofHours(1)) > 0) {
            throw new IllegalArgumentException("idleAfter must be between period (" + period + ") and 1h but was " + idleAfter);
        }
        long p = period.toNanos();
        return new CoarseTicker(source, p, (int) Math.max(1, idleAfter.toNanos() / p), true);
    }

    /**
     * A ticker that starts no thread: a test calls {@link #tick()} where the thread would, and it
     * counts as stopped after {@code idleTicks} ticks in a row without a reader.
     */
    static CoarseTicker manual(LongSupplier source, int idleTicks) {
        if (idleTicks < 1) {
            throw new IllegalArgumentException("idleTicks must be >= 1 but was " + idleTicks);
        }
        return new CoarseTicker(source, 1, idleTicks, false);
    }

    /**
     * The latest published reading of the source, never ahead of it; the source's own reading
     * when the ticker was stopped (which starts it again).
     */
    @Override
    public long getAsLong() {
        long t = now;
        if (t == STOPPED) {
            return restart();
        }
        if (!(boolean) TOUCHED.getOpaque(this)) {
            TOUCHED.setOpaque(this, true);
        }
        return t;
    }

    private long restart() {
        long t = source.getAsLong();
        if (t != STOPPED && ticking.compareAndSet(false, true)) {
            TOUCHED.setOpaque(this, true);
            idle = 0;
            now = t;
            starts++;
            if (startsThreads) {
                try {
                    Thread.ofPlatform().daemon().name("bulwark-coarse-ticker").start(this::run);
                } catch (RuntimeException | Error e) {
                    stop(); // no thread: readers must not keep a reading that nobody refreshes
                    throw e;
                }
            }
        }
        return t;
    }

    private void run() {
        boolean stopped = false;
        try {
            while (tick()) {
                LockSupport.parkNanos(periodNanos);
            }
            stopped = true;
        } finally {
            if (!stopped) {
                stop(); // the source threw: readers go back to reading it themselves
            }
        }
    }

    private void stop() {
        now = STOPPED;
        ticking.set(false); // after STOPPED: the next starter's reading lands after it
    }

    /**
     * One step of the ticking thread: publishes a fresh reading, or, after {@code idleTicks}
     * ticks in a row without a reader, stops. Returns false when it stopped (or was not ticking).
     */
    boolean tick() {
        if (!ticking.get()) {
            return false;
        }
        if ((boolean) TOUCHED.getOpaque(this)) {
            TOUCHED.setOpaque(this, false);
            idle = 0;
        } else if (++idle >= idleTicks) {
            stop();
            return false;
        }
        long t = source.getAsLong();
        if (t != STOPPED) {
            now = t;
        }
        return true;
    }

    /** True while a thread ticks (manual: until it counts as stopped). */
    boolean ticking() {
        return ticking.get();
    }

    /** How many times ticking started. */
    int starts() {
        return starts;
    }

    /** The JVM-wide instance, created on first use. */
    private static final class Shared {
        static final CoarseTicker INSTANCE = of(java.lang.System::nanoTime, Duration.ofMillis(1), Duration.ofSeconds(1));
    }
}
