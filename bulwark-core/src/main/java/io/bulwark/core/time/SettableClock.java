package io.bulwark.core.time;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A clock that moves only when told to, for tests and manual modes: leases, backoff and
 * schedules can be stepped through without waiting. Thread-safe.
 *
 * <pre>{@code
 * SettableClock clock = SettableClock.at(Instant.parse("2026-01-01T00:00:00Z"));
 * clock.advance(Duration.ofSeconds(31)); // the 30 s lease has now expired
 * }</pre>
 */
public final class SettableClock implements InstantSource {

    private final AtomicReference<Instant> now;

    private SettableClock(Instant start) {
        this.now = new AtomicReference<>(start);
    }

    /** A clock reading {@code start}. */
    public static SettableClock at(Instant start) {
        return new SettableClock(start);
    }

    @Override
    public Instant instant() {
        return now.get();
    }

    /** Moves the clock forward by {@code d} (which must not be negative); returns the new time. */
    public Instant advance(Duration d) {
        if (d.isNegative()) {
            throw new IllegalArgumentException("a clock only moves forward; advance must be >= 0 but was " + d);
        }
        return now.updateAndGet(t -> t.plus(d));
    }

    /** Sets the time; it may not go backwards. */
    public void set(Instant t) {
        now.updateAndGet(old -> {
            if (t.isBefore(old)) {
                throw new IllegalArgumentException("a clock only moves forward: " + t + " is before " + old);
            }
            return t;
        });
    }
}
