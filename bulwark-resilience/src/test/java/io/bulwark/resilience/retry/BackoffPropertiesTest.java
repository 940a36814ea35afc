package io.bulwark.resilience.retry;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code delay = random(0, min(cap, base × factor^(attempt−1)))}, for any valid configuration. */
class BackoffPropertiesTest {

    /**
     * Attempts up to 1000 (the most a job may have) and factors up to 1000, so the exponential
     * overflows a double and the cap must take over. A base of zero is left to the example below.
     */
    @Property(tries = 2000)
    void aDelayIsAlwaysWithinZeroAndTheCappedExponentialCeiling(
            @ForAll @LongRange(min = 1, max = 3_600_000) long baseMs,
            @ForAll @DoubleRange(min = 1.0, max = 1000.0) double factor,
            @ForAll @LongRange(min = 0, max = 86_400_000) long extraCapMs,
            @ForAll @IntRange(min = 1, max = 1000) int attempt,
            @ForAll long seed) {
        long capMs = baseMs + extraCapMs;
        Backoff b = Backoff.of(Duration.ofMillis(baseMs), factor, Duration.ofMillis(capMs));
        double exponential = baseMs * Math.pow(factor, attempt - 1);
        long ceiling = exponential >= capMs ? capMs : (long) exponential;

        Duration d = b.delay(attempt, new SplittableRandom(seed));
        assertThat(d.toMillis()).isBetween(0L, ceiling);
        assertThat(b.ceiling(attempt).toMillis()).isEqualTo(ceiling);
    }

    /** With any seed, the delay stays within the ceiling even when base equals cap (no room to grow). */
    @Property(tries = 500)
    void aBackoffWhoseCapIsItsBaseWaitsAtMostTheBase(@ForAll @LongRange(min = 0, max = 600_000) long baseMs,
            @ForAll @DoubleRange(min = 1.0, max = 10.0) double factor, @ForAll @IntRange(min = 1, max = 1000) int attempt,
            @ForAll long seed) {
        Backoff b = Backoff.of(Duration.ofMillis(baseMs), factor, Duration.ofMillis(baseMs));
        assertThat(b.delay(attempt, new SplittableRandom(seed)).toMillis()).isBetween(0L, baseMs);
    }

    /**
     * min(cap, 0 × factor^n) is 0, but {@code Backoff.ceiling} computes 0 × ∞ = NaN once the power
     * overflows (factor 10 from attempt 310; any attempt ≥ 3 for factor 1e300) and answers the cap.
     */
    @Test
    void aZeroBaseNeverWaitsEvenWhenTheExponentialOverflows() {
        Backoff b = Backoff.of(Duration.ZERO, 10.0, Duration.ofHours(1));
        assertThat(b.ceiling(400)).isEqualTo(Duration.ZERO);
        assertThat(b.delay(400, new SplittableRandom(1))).isEqualTo(Duration.ZERO);
    }
}
