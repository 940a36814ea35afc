package io.bulwark.bench.soak;

import org.HdrHistogram.Histogram;

/**
 * Requests of one kind (or of all kinds) over a stretch of time: successes, errors, rate and
 * latency percentiles in milliseconds, from the due time of each request.
 *
 * @param ok 2xx answers
 * @param errors everything else: other statuses, timeouts, refused connections
 * @param okPerSecond {@code ok} per second of the stretch
 * @param p50Ms median latency of the 2xx answers (0 when there were none)
 * @param p99Ms their 99th percentile
 * @param maxMs the slowest one
 */
record LatencyStats(long ok, long errors, double okPerSecond, double p50Ms, double p99Ms, double maxMs) {

    /** From a histogram of microseconds. */
    static LatencyStats of(Histogram micros, long errors, double seconds) {
        long n = micros.getTotalCount();
        return new LatencyStats(n, errors, seconds > 0 ? n / seconds : 0,
                n == 0 ? 0 : micros.getValueAtPercentile(50) / 1000.0,
                n == 0 ? 0 : micros.getValueAtPercentile(99) / 1000.0,
                n == 0 ? 0 : micros.getMaxValue() / 1000.0);
    }
}
