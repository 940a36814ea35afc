package io.bulwark.bench.http;

import org.HdrHistogram.Histogram;

import java.time.Duration;

/**
 * What one measured interval of load amounts to. Latencies are in milliseconds and cover the
 * successful (200) responses only; {@code requestsPerSecond} counts those too, so errors can
 * never make the server look faster.
 *
 * @param requests successful responses in the interval
 * @param errors non-200 responses and failed requests (timeouts, refused connections)
 * @param seconds length of the interval
 * @param requestsPerSecond {@code requests / seconds}
 */
public record LatencySummary(long requests, long errors, double seconds, double requestsPerSecond,
                             double p50Ms, double p90Ms, double p99Ms, double p999Ms, double maxMs) {

    private static final double NANOS_PER_MS = 1_000_000.0;

    /**
     * Summarises a histogram of latencies recorded in nanoseconds.
     *
     * @param latencies the successful requests' latencies, in nanoseconds
     * @param errors the failures counted beside it
     * @param interval how long the interval lasted
     */
    public static LatencySummary of(Histogram latencies, long errors, Duration interval) {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval must be > 0 but was " + interval);
        }
        double seconds = interval.toNanos() / 1e9;
        long n = latencies.getTotalCount();
        return new LatencySummary(n, errors, seconds, n / seconds,
                ms(latencies, 50), ms(latencies, 90), ms(latencies, 99), ms(latencies, 99.9),
                n == 0 ? 0 : latencies.getMaxValue() / NANOS_PER_MS);
    }

    private static double ms(Histogram h, double percentile) {
        return h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(percentile) / NANOS_PER_MS;
    }
}
