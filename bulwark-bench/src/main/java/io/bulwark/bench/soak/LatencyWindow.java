package io.bulwark.bench.soak;

import org.HdrHistogram.Histogram;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The latencies of every interval that ended within {@code (fromSeconds, toSeconds]}, merged:
 * the first and last post-warm-up minute are two of these, whose p99s the report compares.
 */
final class LatencyWindow {

    private final double fromSeconds;
    private final double toSeconds;
    private final Map<RequestKind, Histogram> kinds = new EnumMap<>(RequestKind.class);
    private final Map<RequestKind, Long> errors = new EnumMap<>(RequestKind.class);
    private double seconds;

    LatencyWindow(double fromSeconds, double toSeconds) {
        this.fromSeconds = fromSeconds;
        this.toSeconds = toSeconds;
        for (RequestKind kind : RequestKind.values()) {
            kinds.put(kind, new Histogram(3));
            errors.put(kind, 0L);
        }
    }

    /** Adds an interval that ended at {@code endSeconds}, if that is inside the window. */
    void offer(double endSeconds, double intervalSeconds, Map<RequestKind, KindLatencies.Interval> interval) {
        if (endSeconds <= fromSeconds || endSeconds > toSeconds) {
            return;
        }
        seconds += intervalSeconds;
        interval.forEach((kind, i) -> {
            kinds.get(kind).add(i.latencies());
            errors.merge(kind, i.errors(), Long::sum);
        });
    }

    /** What the window holds: all kinds together and each kind. */
    Summary summary() {
        Histogram all = new Histogram(3);
        long allErrors = 0;
        Map<String, LatencyStats> byKind = new LinkedHashMap<>();
        for (RequestKind kind : RequestKind.values()) {
            all.add(kinds.get(kind));
            allErrors += errors.get(kind);
            byKind.put(kind.label(), LatencyStats.of(kinds.get(kind), errors.get(kind), seconds));
        }
        return new Summary(fromSeconds, toSeconds, LatencyStats.of(all, allErrors, seconds), byKind);
    }

    /**
     * @param fromSeconds start of the window, from the start of the load
     * @param toSeconds its end
     * @param all every request in it
     * @param kinds per kind
     */
    record Summary(double fromSeconds, double toSeconds, LatencyStats all, Map<String, LatencyStats> kinds) {
    }
}
