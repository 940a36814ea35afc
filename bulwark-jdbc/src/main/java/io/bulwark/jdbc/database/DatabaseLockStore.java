package io.bulwark.jdbc.database;

import io.bulwark.jdbc.internal.cluster.ClusterTx;
import io.bulwark.jdbc.internal.cluster.JdbcLockStore;

/**
 * The {@link io.bulwark.cluster.store.LockStore} of a database store: one row per lock name beside
 * the jobs, every call one transaction on the store's pool judged by the database's clock.
 * Obtain it from {@link DatabaseJobStore#locks()}; it lives and closes with the job store.
 */
final class DatabaseLockStore extends JdbcLockStore {

    private final DatabaseJobStore store;

    DatabaseLockStore(DatabaseJobStore store) {
        this.store = store;
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
        return "locks of " + store;
    }
}
