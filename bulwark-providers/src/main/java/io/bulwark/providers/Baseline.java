package io.bulwark.providers;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A provider's recorded normal: its latency percentiles and error rate over a window, taken by
 * {@code bulwark providers baseline} and kept in the store. Later windows are compared with it
 * to detect drift.
 */
public record Baseline(String provider, Instant recordedAt, long calls, double errorRate,
                       Duration p50, Duration p95, Duration p99) {

    /** The baseline of {@code provider} from {@code window}, taken at {@code now}. */
    public static Baseline of(String provider, Instant now, ProviderStats.Window window) {
        return new Baseline(provider, now, window.calls(), window.errorRate(), window.p50(), window.p95(), window.p99());
    }

    /**
     * How {@code current} drifted from this baseline beyond {@code factor}: one line per
     * measure that did ("p95 480ms is 4.8x the baseline 100ms"); empty when none did or when
     * either side saw fewer than {@code minCalls} calls.
     */
    public List<String> drift(ProviderStats.Window current, double factor, long minCalls) {
        List<String> drifted = new ArrayList<>();
        if (current.calls() < minCalls || calls < minCalls) {
            return drifted;
        }
        latency("p50", current.p50(), p50, factor, drifted);
        latency("p95", current.p95(), p95, factor, drifted);
        latency("p99", current.p99(), p99, factor, drifted);
        // Error rates start near zero, so a factor alone would flag 0.1% -> 0.3%; an absolute
        // floor of one percentage point keeps the signal about real change.
        double allowed = Math.max(errorRate * factor, errorRate + 0.01);
        if (current.errorRate() > allowed) {
            drifted.add(String.format("error rate %.1f%% is over %.1f%% (baseline %.1f%% x %.1f)",
                    current.errorRate() * 100, allowed * 100, errorRate * 100, factor));
        }
        return drifted;
    }

    private static void latency(String name, Duration now, Duration base, double factor, List<String> out) {
        if (base.isZero()) {
            return;
        }
        double ratio = (double) now.toNanos() / base.toNanos();
        if (ratio > factor) {
            out.add(String.format("%s %dms is %.1fx the baseline %dms (limit %.1fx)",
                    name, now.toMillis(), ratio, base.toMillis(), factor));
        }
    }
}
