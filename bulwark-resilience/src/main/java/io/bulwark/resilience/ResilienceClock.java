package io.bulwark.resilience;

import java.time.Clock;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * The two clocks every policy reads: a wall clock for what people see (transition times, "open
 * until") and a nanosecond ticker for what is measured (call durations, windows, waits).
 *
 * <pre>{@code
 * ResilienceClock production = ResilienceClock.system();
 * ResilienceClock test = ResilienceClock.of(SettableClock.at(Instant.EPOCH)); // ticker follows the clock
 * }</pre>
 *
 * @param wall the wall clock
 * @param ticker monotonic nanoseconds, e.g. {@code System::nanoTime}
 */
public record ResilienceClock(InstantSource wall, LongSupplier ticker) {

    public ResilienceClock {
        Objects.requireNonNull(wall, "wall");
        Objects.requireNonNull(ticker, "ticker");
    }

    /** The system UTC clock and {@link System#nanoTime()}: what a production caller passes. */
    public static ResilienceClock system() {
        return new ResilienceClock(Clock.systemUTC(), System::nanoTime);
    }

    /**
     * A clock whose ticker is derived from {@code wall} (nanoseconds since the epoch), so that a
     * test moving a {@code SettableClock} moves both.
     */
    public static ResilienceClock of(InstantSource wall) {
        Objects.requireNonNull(wall, "wall");
        return new ResilienceClock(wall, () -> toNanos(wall.instant()));
    }

    /** The wall time now. */
    public Instant now() {
        return wall.instant();
    }

    /** The ticker now, in nanoseconds. */
    public long nanos() {
        return ticker.getAsLong();
    }

    private static long toNanos(Instant t) {
        return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000_000L), t.getNano());
    }
}
