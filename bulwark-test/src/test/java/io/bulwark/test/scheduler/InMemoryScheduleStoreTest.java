package io.bulwark.test.scheduler;

import io.bulwark.cluster.store.InMemoryClusterStore;
import io.bulwark.core.time.SettableClock;
import io.bulwark.scheduler.store.InMemoryScheduleStore;

/** The in-memory schedule store keeps every schedule-store rule (run here: bulwark-scheduler cannot depend on bulwark-test). */
class InMemoryScheduleStoreTest extends ScheduleStoreContract {

    @Override
    protected Stores open(SettableClock clock) {
        InMemoryClusterStore cluster = new InMemoryClusterStore(clock);
        return new Stores(new InMemoryScheduleStore(clock, cluster), cluster);
    }
}
