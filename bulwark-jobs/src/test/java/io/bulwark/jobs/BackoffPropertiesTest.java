package io.bulwark.jobs;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

import java.time.Duration;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class BackoffPropertiesTest {

    /** delay = random(0, min(cap, base × factor^(attempt−1))), for any valid configuration. */
    @Property(tries = 1000)
    void aDelayIsAlwaysWithinZeroAndTheCappedExponentialCeiling(
            @ForAll @LongRange(min = 0, max = 60_000) long baseMs, @ForAll @DoubleRange(min = 1.0, max = 10.0) double factor,
            @ForAll @LongRange(min = 0, max = 3_600_000) long extraCapMs, @ForAll @IntRange(min = 1, max = 200) int attempt,
            @ForAll long seed) {
        Backoff b = Backoff.of(Duration.ofMillis(baseMs), factor, Duration.ofMillis(baseMs + extraCapMs));
        double exact = baseMs * Math.pow(factor, attempt - 1);
        long ceiling = (long) Math.min(baseMs + extraCapMs, exact);
        Duration d = b.delay(attempt, new SplittableRandom(seed));
        assertThat(d.toMillis()).isBetween(0L, ceiling);
        assertThat(b.ceiling(attempt).toMillis()).isEqualTo(ceiling);
    }
}
