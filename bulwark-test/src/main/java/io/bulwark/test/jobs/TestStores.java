package io.bulwark.test.jobs;

import io.bulwark.core.time.SettableClock;
import io.bulwark.jobs.store.InMemoryJobStore;
import io.bulwark.jobs.store.JobStore;

import java.time.Duration;

/**
 * Stores for users' own tests.
 *
 * <pre>{@code
 * SettableClock clock = SettableClock.at(Instant.parse("2026-01-01T00:00:00Z"));
 * JobStore store = TestStores.inMemory(clock);
 * }</pre>
 */
public final class TestStores {

    private TestStores() {
    }

    /** A new in-memory store on {@code clock}, with a 30 s priority aging step. */
    public static JobStore inMemory(SettableClock clock) {
        return new InMemoryJobStore(clock);
    }

    /** A new in-memory store on {@code clock} with {@code agingStep}. */
    public static JobStore inMemory(SettableClock clock, Duration agingStep) {
        return new InMemoryJobStore(clock, agingStep);
    }
}
