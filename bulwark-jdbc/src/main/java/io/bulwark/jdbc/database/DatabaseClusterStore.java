package io.bulwark.jdbc.database;

import io.bulwark.jdbc.internal.cluster.ClusterTx;
import io.bulwark.jdbc.internal.cluster.JdbcClusterStore;

import java.time.Instant;

/**
 * The {@link io.bulwark.cluster.store.ClusterStore} of a database store: nodes, the leader's term
 * and its history in tables beside the jobs, every call one transaction on the store's pool
 * stamped with the database's clock, so every node of a fleet judges heartbeats and leases by
 * the same clock. Obtain it from {@link DatabaseJobStore#cluster()}; it lives and closes with the
 * job store.
 */
final class DatabaseClusterStore extends JdbcClusterStore {

    private final DatabaseJobStore store;

    DatabaseClusterStore(DatabaseJobStore store) {
        this.store = store;
    }

    @Override
    public Instant now() {
        return store.now();
    }

    @Override
    protected <T> T write(String operation, ClusterTx.Work<T> work) {
        return store.clusterTx(operation, work);
    }

    @Override
    protected <T> T read(String operation, ClusterTx.Work<T> work) {
        return store.clusterTx(operation, work);
    }

    @Override
    public String toString() {
        return "cluster of " + store;
    }
}
