package io.bulwark.test.cluster;

import io.bulwark.cluster.store.InMemoryLockStore;
import io.bulwark.cluster.store.LockStore;
import io.bulwark.core.time.SettableClock;

/** The in-memory lock store keeps every lock-store rule (run here: bulwark-cluster cannot depend on bulwark-test). */
class InMemoryLockStoreTest extends LockStoreContract {

    @Override
    protected LockStore open(SettableClock clock) {
        return new InMemoryLockStore(clock);
    }
}
