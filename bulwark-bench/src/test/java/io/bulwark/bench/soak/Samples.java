package io.bulwark.bench.soak;

import io.bulwark.bench.http.CpuShare;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleUnaryOperator;

/** Synthetic samples for tests: every resource follows {@code level(t)}, latency a steady 2 ms. */
final class Samples {

    private Samples() {
    }

    static List<Sample> every(double intervalSeconds, double endSeconds, double warmupSeconds, DoubleUnaryOperator level) {
        List<Sample> samples = new ArrayList<>();
        for (double t = intervalSeconds; t <= endSeconds + 1e-9; t += intervalSeconds) {
            double v = level.applyAsDouble(t);
            long mib = (long) (v * 1024 * 1024);
            Resources r = new Resources(mib * 4, mib, mib * 3, mib * 2, mib, mib / 4, (int) v, (long) v + 10, (long) v * 3, mib / 2, 3L, 2, 0,
                    new CpuShare(0.8, 0.3, 0.05));
            LatencyStats stats = new LatencyStats(1000, 0, 100, 1.0, 2.0, 9.0);
            Map<String, LatencyStats> kinds = new LinkedHashMap<>();
            for (RequestKind kind : RequestKind.values()) {
                kinds.put(kind.label(), stats);
            }
            samples.add(new Sample(t, intervalSeconds, t <= warmupSeconds, 0.1, r, stats, kinds));
        }
        return samples;
    }
}
