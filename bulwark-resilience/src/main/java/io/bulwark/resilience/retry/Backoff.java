package io.bulwark.resilience.retry;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Capped exponential backoff with full jitter: the delay before attempt {@code n + 1} is
 * uniform in {@code [0, min(cap, base × factor^(n-1))]}. Full jitter spreads the retries of
 * many jobs that failed together, so they do not return together.
 *
 * <pre>{@code
 * Backoff b = Backoff.of(Duration.ofSeconds(1), 2.0, Duration.ofMinutes(10));
 * Duration wait = b.delay(3, random); // somewhere in [0, 4s]
 * }</pre>
 *
 * @param base the ceiling after the first failure
 * @param factor how much the ceiling grows per failure, at least 1
 * @param cap the largest ceiling
 */
public record Backoff(Duration base, double factor, Duration cap) {

    /** 1s, ×2, capped at 1h. */
    public static final Backoff DEFAULT = new Backoff(Duration.ofSeconds(1), 2.0, Duration.ofHours(1));

    public Backoff {
        if (base == null || base.isNegative()) {
            throw new IllegalArgumentException("backoff base must be >= 0 but was " + base);
        }
        if (!(factor >= 1.0) || Double.isInfinite(factor)) {
            throw new IllegalArgumentException("backoff factor must be >= 1 but was " + factor);
        }
        if (cap == null || cap.compareTo(base) < 0) {
            throw new IllegalArgumentException("backoff cap must be >= base (" + base + ") but was " + cap);
        }
    }

    public static Backoff of(Duration base, double factor, Duration cap) {
        return new Backoff(base, factor, cap);
    }

    /** The upper bound of the delay after failed attempt {@code attempt} (1-based). */
    public Duration ceiling(int attempt) {
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt must be >= 1 but was " + attempt);
        }
        if (base.isZero()) {
            return Duration.ZERO; // 0 × an overflowed power is NaN, which must not read as "cap"
        }
        double ceilingMs = base.toMillis() * Math.pow(factor, attempt - 1);
        long capMs = cap.toMillis();
        return Duration.ofMillis(ceilingMs >= capMs || Double.isNaN(ceilingMs) ? capMs : (long) ceilingMs);
    }

    /** A random delay in {@code [0, ceiling(attempt)]}. */
    public Duration delay(int attempt, RandomGenerator random) {
        long ceiling = ceiling(attempt).toMillis();
        return Duration.ofMillis(ceiling == 0 ? 0 : random.nextLong(ceiling + 1));
    }
}
