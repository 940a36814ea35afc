package io.bulwark.bench.soak;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Latencies (microseconds, successful requests only) and error counts per {@link RequestKind},
 * written by many request threads at once and read one interval at a time.
 *
 * <p>Each kind has an HdrHistogram {@link Recorder}: writers never lock, and
 * {@link #takeInterval()} swaps out exactly what was recorded since the previous call.
 */
final class KindLatencies {

    private final Map<RequestKind, Recorder> recorders = new EnumMap<>(RequestKind.class);
    private final Map<RequestKind, LongAdder> errors = new EnumMap<>(RequestKind.class);
    private final Map<RequestKind, String> firstErrors = new ConcurrentHashMap<>();

    KindLatencies() {
        for (RequestKind kind : RequestKind.values()) {
            recorders.put(kind, new Recorder(3));
            errors.put(kind, new LongAdder());
        }
    }

    void success(RequestKind kind, long micros) {
        recorders.get(kind).recordValue(Math.max(1, micros));
    }

    /** A non-2xx answer or a failed request; the first one of each kind is kept for the report. */
    void failure(RequestKind kind, String what) {
        errors.get(kind).increment();
        firstErrors.putIfAbsent(kind, what);
    }

    /** What was recorded since the last call, per kind; errors are counted and reset with it. */
    Map<RequestKind, Interval> takeInterval() {
        Map<RequestKind, Interval> taken = new EnumMap<>(RequestKind.class);
        for (RequestKind kind : RequestKind.values()) {
            taken.put(kind, new Interval(recorders.get(kind).getIntervalHistogram(), errors.get(kind).sumThenReset()));
        }
        return taken;
    }

    /** The first error seen per kind since the start (or the last {@link #clearFirstErrors()}). */
    Map<RequestKind, String> firstErrors() {
        Map<RequestKind, String> copy = new EnumMap<>(RequestKind.class);
        copy.putAll(firstErrors);
        return copy;
    }

    void clearFirstErrors() {
        firstErrors.clear();
    }

    /** One kind's latencies (microseconds) and errors over one interval. */
    record Interval(Histogram latencies, long errors) {
    }
}
