package io.bulwark.jdbc.sqlite;

import io.bulwark.jdbc.internal.cluster.ClusterTx;
import io.bulwark.jdbc.internal.cluster.JdbcLockStore;

/**
 * The {@link io.bulwark.cluster.store.LockStore} of an embedded store: locks within one process,
 * kept in the store's file so tokens keep growing across restarts. Writes go through the store's
 * one writer; reads run on its read connections. Obtain it from {@link SqliteJobStore#locks()};
 * it lives and closes with the job store.
 */
final class SqliteLockStore extends JdbcLockStore {

    private final SqliteJobStore store;

    SqliteLockStore(SqliteJobStore store) {
        this.store = store;
    }

    @Override
    protected <T> T write(String operation, ClusterTx.Work<T> work) {
        return store.clusterWrite(operation, work);
    }

    @Override
    protected <T> T read(String operation, ClusterTx.Work<T> work) {
        return store.clusterRead(operation, work);
    }

    @Override
    public String toString() {
        return "locks of " + store;
    }
}
