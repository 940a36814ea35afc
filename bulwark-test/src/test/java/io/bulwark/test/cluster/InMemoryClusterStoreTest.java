package io.bulwark.test.cluster;

import io.bulwark.cluster.store.ClusterStore;
import io.bulwark.cluster.store.InMemoryClusterStore;
import io.bulwark.core.time.SettableClock;

/** The in-memory cluster store keeps every cluster-store rule (run here: bulwark-cluster cannot depend on bulwark-test). */
class InMemoryClusterStoreTest extends ClusterStoreContract {

    @Override
    protected ClusterStore open(SettableClock clock) {
        return new InMemoryClusterStore(clock);
    }
}
