package io.bulwark.pipeline;

import io.bulwark.core.units.Durations;

import java.time.Duration;

/**
 * How the job that runs a step is retried before the step counts as failed: at most
 * {@code maxAttempts} attempts, waiting {@code random(0, min(cap, base × factor^(n-1)))}
 * after failed attempt n (the jobs' capped exponential backoff with full jitter). The planner
 * never retries; it sees only the step's final outcome.
 *
 * <pre>{@code
 * StepRetry retry = StepRetry.of(5, Duration.ofMillis(250), 2.0, Duration.ofSeconds(30));
 * }</pre>
 *
 * @param maxAttempts 1 to {@value #MAX_ATTEMPTS}
 * @param base the ceiling of the wait after the first failure, from 0 to 1 day
 * @param factor how much the ceiling grows per failure, from 1 to 1000
 * @param cap the largest ceiling, from {@code base} to 1 day
 */
public record StepRetry(int maxAttempts, Duration base, double factor, Duration cap) {

    private static final Duration MAX_WAIT = Duration.ofDays(1);

    /** The most attempts a step's job may have (as for any job). */
    public static final int MAX_ATTEMPTS = 1000;
    /** The base, factor and cap used when a definition gives {@code maxAttempts} alone: 1s, ×2, 1h. */
    public static final StepRetry DEFAULT_BACKOFF = new StepRetry(1, Duration.ofSeconds(1), 2.0, Duration.ofHours(1));


    /** Checks every value, naming the field and the bad value. */
    public StepRetry {
        if (maxAttempts < 1 || maxAttempts > MAX_ATTEMPTS) {
            throw new IllegalArgumentException("retry.maxAttempts must be from 1 to " + MAX_ATTEMPTS + " but was " + maxAttempts);
        }
        if (base == null || base.isNegative() || base.compareTo(MAX_WAIT) > 0) {
            throw new IllegalArgumentException("retry.backoff.base must be from 0s to 1d but was " + show(base));
        }
        if (!(factor >= 1.0 && factor <= 1000.0)) {
            throw new IllegalArgumentException("retry.backoff.factor must be from 1 to 1000 but was " + factor);
        }
        if (cap == null || cap.compareTo(base) < 0 || cap.compareTo(MAX_WAIT) > 0) {
            throw new IllegalArgumentException("retry.backoff.cap must be from base (" + Durations.format(base)
                    + ") to 1d but was " + show(cap));
        }
    }

    /** A retry policy; see the record's parameters for the allowed values. */
    public static StepRetry of(int maxAttempts, Duration base, double factor, Duration cap) {
        return new StepRetry(maxAttempts, base, factor, cap);
    }

    /** {@code maxAttempts} attempts with the {@linkplain #DEFAULT_BACKOFF default backoff}. */
    public static StepRetry attempts(int maxAttempts) {
        return new StepRetry(maxAttempts, DEFAULT_BACKOFF.base, DEFAULT_BACKOFF.factor, DEFAULT_BACKOFF.cap);
    }

    static String show(Duration d) {
        return d == null ? "null" : d.isNegative() ? d.toString() : Durations.format(d);
    }
}
