package io.bulwark.test.jobs;

import io.bulwark.core.time.SettableClock;
import io.bulwark.jobs.store.JobStore;

import java.time.Duration;

/** The in-memory store keeps every store rule. */
class InMemoryJobStoreTest extends JobStoreContract {

    @Override
    protected JobStore createStore(SettableClock clock, Duration agingStep) {
        return TestStores.inMemory(clock, agingStep);
    }
}
