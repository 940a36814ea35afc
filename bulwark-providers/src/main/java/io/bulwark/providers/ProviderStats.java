package io.bulwark.providers;

import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * A provider's recent latency and error series: a ring of time buckets, each with a latency
 * histogram and call / error counts, from which window percentiles, error rates and the series
 * shown by {@code GET /api/v1/providers/{name}/stats} are read.
 *
 * <h2>Design notes</h2>
 * Recording is lock-free: the bucket for the current time is found by index
 * ({@code epochMillis / bucketMillis % slots}); a bucket left from an earlier lap of the ring is
 * replaced by CAS. A thread that raced the replacement may record into the old bucket, losing
 * that one sample; that is the price of never locking the call path and is invisible in
 * percentiles. Histograms keep 2 significant digits from 1 µs to 1 hour.
 */
public final class ProviderStats {

    private static final long HIGHEST_MICROS = Duration.ofHours(1).toNanos() / 1_000;

    private final InstantSource clock;
    private final long bucketMillis;
    private final AtomicReferenceArray<Bucket> ring;

    private static final class Bucket {
        final long start;
        final ConcurrentHistogram latency = new ConcurrentHistogram(1, HIGHEST_MICROS, 2);
        final LongAdder calls = new LongAdder();
        final LongAdder errors = new LongAdder();

        Bucket(long start) {
            this.start = start;
        }
    }

    /**
     * @param bucket the width of one bucket of the series (e.g. 10 s)
     * @param buckets how many buckets are kept; {@code bucket × buckets} is the longest window
     */
    public ProviderStats(InstantSource clock, Duration bucket, int buckets) {
        this.clock = Objects.requireNonNull(clock, "clock");
        if (bucket.toMillis() < 1) {
            throw new IllegalArgumentException("bucket must be >= 1ms but was " + bucket);
        }
        if (buckets < 2) {
            throw new IllegalArgumentException("buckets must be >= 2 but was " + buckets);
        }
        this.bucketMillis = bucket.toMillis();
        this.ring = new AtomicReferenceArray<>(buckets);
    }

    /** The longest window this series can answer for. */
    public Duration span() {
        return Duration.ofMillis(bucketMillis * (ring.length() - 1));
    }

    /** Records one call: its latency and whether it counted as a provider failure. */
    public void record(long latencyNanos, boolean error) {
        Bucket b = current(clock.millis());
        b.latency.recordValue(Math.max(1, Math.min(HIGHEST_MICROS, latencyNanos / 1_000)));
        b.calls.increment();
        if (error) {
            b.errors.increment();
        }
    }

    private Bucket current(long nowMillis) {
        long start = nowMillis - Math.floorMod(nowMillis, bucketMillis);
        int slot = (int) Math.floorMod(start / bucketMillis, (long) ring.length());
        while (true) {
            Bucket b = ring.get(slot);
            if (b != null && b.start == start) {
                return b;
            }
            if (b != null && b.start > start) {
                return b; // the clock went back: count it in the newer bucket rather than lose it
            }
            Bucket fresh = new Bucket(start);
            if (ring.compareAndSet(slot, b, fresh)) {
                return fresh;
            }
        }
    }

    /** Calls, errors and latency percentiles over the last {@code window} (whole buckets). */
    public Window window(Duration window) {
        long now = clock.millis();
        long from = now - Math.min(window.toMillis(), span().toMillis());
        Histogram merged = new Histogram(1, HIGHEST_MICROS, 2);
        long calls = 0;
        long errors = 0;
        for (int i = 0; i < ring.length(); i++) {
            Bucket b = ring.get(i);
            if (b != null && b.start + bucketMillis > from && b.start <= now) {
                merged.add(b.latency.copy());
                calls += b.calls.sum();
                errors += b.errors.sum();
            }
        }
        return Window.of(window, calls, errors, merged);
    }

    /** The series, oldest bucket first, for the buckets that saw calls within the span. */
    public List<Point> series() {
        long now = clock.millis();
        long from = now - span().toMillis();
        List<Point> points = new ArrayList<>();
        for (int i = 0; i < ring.length(); i++) {
            Bucket b = ring.get(i);
            if (b != null && b.start + bucketMillis > from && b.start <= now && b.calls.sum() > 0) {
                Histogram h = b.latency.copy();
                points.add(new Point(Instant.ofEpochMilli(b.start), b.calls.sum(), b.errors.sum(),
                        micros(h, 50), micros(h, 95), micros(h, 99)));
            }
        }
        points.sort((a, c) -> a.start().compareTo(c.start()));
        return points;
    }

    static Duration micros(Histogram h, double percentile) {
        return h.getTotalCount() == 0 ? Duration.ZERO : Duration.ofNanos(h.getValueAtPercentile(percentile) * 1_000);
    }

    /**
     * Figures over one window.
     *
     * @param errorRate errors / calls, 0 when there were no calls
     */
    public record Window(Duration window, long calls, long errors, double errorRate,
                         Duration p50, Duration p95, Duration p99) {

        static Window of(Duration window, long calls, long errors, Histogram h) {
            return new Window(window, calls, errors, calls == 0 ? 0 : (double) errors / calls,
                    micros(h, 50), micros(h, 95), micros(h, 99));
        }
    }

    /** One bucket of the series. */
    public record Point(Instant start, long calls, long errors, Duration p50, Duration p95, Duration p99) {
    }
}
