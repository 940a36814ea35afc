package io.bulwark.balancer;

import io.bulwark.core.time.SettableClock;
import java.time.Instant;
import java.util.function.LongSupplier;

/** Test helpers: a nanosecond ticker read from a settable clock. */
final class Ticks {

    private Ticks() {
    }

    static SettableClock clock() {
        return SettableClock.at(Instant.parse("2026-01-01T00:00:00Z"));
    }

    static LongSupplier of(SettableClock clock) {
        return () -> {
            Instant now = clock.instant();
            return now.getEpochSecond() * 1_000_000_000L + now.getNano();
        };
    }
}
