package io.bulwark.resilience.breaker.internal;

import io.bulwark.resilience.internal.SecondBuckets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The calls of the last N seconds, in one bucket per second (see {@link SecondBuckets} for the
 * lock-free rollover): buckets older than the window drop out of the sums by themselves.
 */
final class TimeWindow implements CallWindow {

    private static final int TOTAL = 0;
    private static final int FAILED = 1;
    private static final int SLOW = 2;

    private final SecondBuckets buckets;
    private final AtomicInteger consecutiveFailures = new AtomicInteger();

    TimeWindow(int seconds, long nowNanos) {
        this.buckets = new SecondBuckets(seconds, 3, nowNanos);
    }

    @Override
    public WindowCounts record(Outcome outcome, long nowNanos) {
        buckets.add(TOTAL, 1, nowNanos);
        if (outcome.failed) {
            buckets.add(FAILED, 1, nowNanos);
            consecutiveFailures.incrementAndGet();
        } else if (consecutiveFailures.get() != 0) {
            consecutiveFailures.set(0);
        }
        if (outcome.slow) {
            buckets.add(SLOW, 1, nowNanos);
        }
        return counts(nowNanos);
    }

    @Override
    public WindowCounts counts(long nowNanos) {
        long[] sums = buckets.sum(nowNanos);
        return new WindowCounts(sums[TOTAL], sums[FAILED], sums[SLOW]);
    }

    @Override
    public int consecutiveFailures() {
        return consecutiveFailures.get();
    }
}
