package io.bulwark.jdbc.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A figure that is read afresh on every call while reading it is cheap, and otherwise served
 * from the last reading while a background read refreshes it.
 *
 * <p>Counting jobs costs time in proportion to the rows counted, and a store's counts are asked
 * for every second by each node, by every readiness probe and by every API call. Whether a reading
 * was dear is judged from the reading itself (for counts: how many rows it counted), not from the
 * time it took, which a busy machine stretches at random. A cheap reading is simply read again. A
 * dear one is kept and served for up to {@link #BUDGET} times what it took (between
 * {@link #MIN_AGE_NANOS} and {@link #MAX_AGE_NANOS}), so counting takes about one fiftieth of the
 * time at most; once it is older, the next call still gets it at once and starts one background
 * read. {@link #changed()} marks the reading stale after a change the caller made itself, such as
 * a purge.
 *
 * <p>A background read that fails drops the kept reading, so the next call reads in the caller's
 * thread and reports the failure there, as it would without this class.
 *
 * @param <T> the figure
 */
public final class Tally<T> {

    private static final Logger LOG = LoggerFactory.getLogger(Tally.class);

    /** A dear reading is kept for this many times what it cost. */
    public static final int BUDGET = 50;
    public static final long MIN_AGE_NANOS = TimeUnit.SECONDS.toNanos(1);
    public static final long MAX_AGE_NANOS = TimeUnit.MINUTES.toNanos(5);

    private record Reading<T>(T value, long at, long cost, boolean dear, long generation) {
    }

    private final String what;
    private final Supplier<T> read;
    private final Predicate<T> dear;
    private final LongSupplier ticker;
    private final Executor background;
    private final AtomicBoolean refreshing = new AtomicBoolean();
    private final AtomicLong generation = new AtomicLong();
    private volatile Reading<T> last;

    /**
     * @param what what is counted, for the log
     * @param read reads the figure; it may throw
     * @param dear whether a reading was dear enough to keep
     * @param ticker nanoseconds
     * @param background where a refresh runs
     */
    public Tally(String what, Supplier<T> read, Predicate<T> dear, LongSupplier ticker, Executor background) {
        this.what = Objects.requireNonNull(what, "what must be set");
        this.read = Objects.requireNonNull(read, "read must be set");
        this.dear = Objects.requireNonNull(dear, "dear must be set");
        this.ticker = Objects.requireNonNull(ticker, "ticker must be set");
        this.background = Objects.requireNonNull(background, "background must be set");
    }

    /** The figure: read now when that is cheap or nothing is kept, else the kept reading. */
    public T get() {
        Reading<T> r = last;
        if (r == null || !r.dear()) {
            return readNow();
        }
        if (r.generation() != generation.get() || ticker.getAsLong() - r.at() > maxAge(r.cost())) {
            refresh();
        }
        return r.value();
    }

    /** Marks the kept reading as out of date: the next {@link #get()} starts a refresh. */
    public void changed() {
        generation.incrementAndGet();
    }

    /** How long a reading that cost {@code costNanos} is kept. */
    static long maxAge(long costNanos) {
        return Math.clamp(costNanos * BUDGET, MIN_AGE_NANOS, MAX_AGE_NANOS);
    }

    private T readNow() {
        long g = generation.get();
        long started = ticker.getAsLong();
        T value = read.get();
        long done = ticker.getAsLong();
        last = new Reading<>(value, done, done - started, dear.test(value), g);
        return value;
    }

    private void refresh() {
        if (!refreshing.compareAndSet(false, true)) {
            return;
        }
        try {
            background.execute(() -> {
                try {
                    readNow();
                } catch (RuntimeException e) {
                    last = null;
                    LOG.debug("Refreshing {} failed; the next read runs in its caller", what, e);
                } finally {
                    refreshing.set(false);
                }
            });
        } catch (RejectedExecutionException e) {
            refreshing.set(false);
        }
    }
}
