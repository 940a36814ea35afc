package io.bulwark.jobs;

import io.bulwark.resilience.retry.Backoff;

import java.time.Duration;

/**
 * How one queue behaves. Immutable; change a queue by replacing its settings.
 *
 * @param concurrency most jobs of this queue running at once on one node
 * @param ratePerSecond most jobs started per second on one node; 0 for no limit
 * @param burst how many starts may come at once under the rate limit
 * @param maxSize most jobs waiting or running in the queue; an enqueue beyond it is refused; 0 for no limit
 * @param priority the default priority, 0 (highest) to 9
 * @param maxAttempts the default attempts
 * @param backoff the default retry delays
 * @param timeout the default time one attempt may run
 * @param paused when true, no job of the queue starts (enqueues still succeed)
 * @param discardAfter the default time a job may wait once due before it ends expired; null for never
 */
public record QueueSettings(int concurrency, double ratePerSecond, int burst, long maxSize, int priority,
                            int maxAttempts, Backoff backoff, Duration timeout, boolean paused, Duration discardAfter) {

    /** 10 at once, no rate limit, no size limit, priority 5, 25 attempts, default backoff, 5 min timeout, no expiry. */
    public static final QueueSettings DEFAULT = new QueueSettings(10, 0, 1, 0, 5, 25, Backoff.DEFAULT,
            Duration.ofMinutes(5), false, null);

    /** Settings without a default expiry. */
    public QueueSettings(int concurrency, double ratePerSecond, int burst, long maxSize, int priority, int maxAttempts,
                         Backoff backoff, Duration timeout, boolean paused) {
        this(concurrency, ratePerSecond, burst, maxSize, priority, maxAttempts, backoff, timeout, paused, null);
    }

    public QueueSettings {
        if (concurrency < 1 || concurrency > 10_000) {
            throw new IllegalArgumentException("concurrency must be from 1 to 10000 but was " + concurrency);
        }
        if (!(ratePerSecond >= 0) || Double.isInfinite(ratePerSecond)) {
            throw new IllegalArgumentException("ratePerSecond must be >= 0 (0 for no limit) but was " + ratePerSecond);
        }
        if (burst < 1) {
            throw new IllegalArgumentException("burst must be >= 1 but was " + burst);
        }
        if (maxSize < 0) {
            throw new IllegalArgumentException("maxSize must be >= 0 (0 for no limit) but was " + maxSize);
        }
        if (priority < 0 || priority > 9) {
            throw new IllegalArgumentException("priority must be from 0 (highest) to 9 but was " + priority);
        }
        if (maxAttempts < 1 || maxAttempts > 1000) {
            throw new IllegalArgumentException("maxAttempts must be from 1 to 1000 but was " + maxAttempts);
        }
        if (backoff == null) {
            throw new IllegalArgumentException("backoff must be set");
        }
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be > 0 but was " + timeout);
        }
        if (discardAfter != null && (discardAfter.compareTo(JobLimits.MIN_DISCARD_AFTER) < 0
                || discardAfter.compareTo(JobLimits.MAX_DELAY) > 0)) {
            throw new IllegalArgumentException("discardAfter must be from 1ms to " + JobLimits.MAX_DELAY.toDays()
                    + "d (or unset for never) but was " + discardAfter);
        }
    }

    public QueueSettings withConcurrency(int n) {
        return new QueueSettings(n, ratePerSecond, burst, maxSize, priority, maxAttempts, backoff, timeout, paused, discardAfter);
    }

    public QueueSettings withRate(double perSecond, int burst) {
        return new QueueSettings(concurrency, perSecond, burst, maxSize, priority, maxAttempts, backoff, timeout, paused, discardAfter);
    }

    public QueueSettings withMaxSize(long n) {
        return new QueueSettings(concurrency, ratePerSecond, burst, n, priority, maxAttempts, backoff, timeout, paused, discardAfter);
    }

    public QueueSettings withMaxAttempts(int n) {
        return new QueueSettings(concurrency, ratePerSecond, burst, maxSize, priority, n, backoff, timeout, paused, discardAfter);
    }

    public QueueSettings withBackoff(Backoff b) {
        return new QueueSettings(concurrency, ratePerSecond, burst, maxSize, priority, maxAttempts, b, timeout, paused, discardAfter);
    }

    public QueueSettings withTimeout(Duration t) {
        return new QueueSettings(concurrency, ratePerSecond, burst, maxSize, priority, maxAttempts, backoff, t, paused, discardAfter);
    }

    public QueueSettings withPriority(int p) {
        return new QueueSettings(concurrency, ratePerSecond, burst, maxSize, p, maxAttempts, backoff, timeout, paused, discardAfter);
    }

    public QueueSettings withPaused(boolean p) {
        return new QueueSettings(concurrency, ratePerSecond, burst, maxSize, priority, maxAttempts, backoff, timeout, p,
                discardAfter);
    }

    public QueueSettings withDiscardAfter(Duration d) {
        return new QueueSettings(concurrency, ratePerSecond, burst, maxSize, priority, maxAttempts, backoff, timeout, paused,
                d);
    }
}
