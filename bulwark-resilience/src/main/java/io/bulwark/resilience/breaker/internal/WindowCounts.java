package io.bulwark.resilience.breaker.internal;

/**
 * Counts over a breaker's window.
 *
 * @param total calls in the window
 * @param failed failed calls
 * @param slow slow calls
 */
public record WindowCounts(long total, long failed, long slow) {

    /** Failure percentage, or -1 when fewer than {@code minimumCalls} calls are in the window. */
    public float failureRate(int minimumCalls) {
        return total < minimumCalls || total == 0 ? -1f : failed * 100f / total;
    }

    /** Slow-call percentage, or -1 when fewer than {@code minimumCalls} calls are in the window. */
    public float slowRate(int minimumCalls) {
        return total < minimumCalls || total == 0 ? -1f : slow * 100f / total;
    }
}
