package io.bulwark.test.ratelimit;

import io.bulwark.core.time.SettableClock;
import java.time.Instant;
import java.util.function.LongSupplier;

/**
 * A nanosecond ticker read from a {@link SettableClock}, for limiters that take a
 * {@code LongSupplier} ticker: the test moves the clock, the limiter sees the nanoseconds.
 *
 * <pre>{@code
 * SettableClock clock = SettableClock.at(Instant.parse("2026-01-01T00:00:00Z"));
 * LocalRateLimiter limiter = LocalRateLimiter.of(config, ClockTicker.of(clock));
 * clock.advance(Duration.ofSeconds(1));
 * }</pre>
 */
public final class ClockTicker {

    private ClockTicker() {
    }

    /** Nanoseconds since the epoch of {@code clock}'s current instant (fits a long until 2262). */
    public static LongSupplier of(SettableClock clock) {
        return () -> nanos(clock.instant());
    }

    /** Nanoseconds since the epoch of {@code instant}. */
    public static long nanos(Instant instant) {
        return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000_000L), instant.getNano());
    }
}
