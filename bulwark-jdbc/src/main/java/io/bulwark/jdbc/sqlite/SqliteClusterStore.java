package io.bulwark.jdbc.sqlite;

import io.bulwark.jdbc.internal.cluster.ClusterTx;
import io.bulwark.jdbc.internal.cluster.JdbcClusterStore;

import java.time.Instant;

/**
 * The {@link io.bulwark.cluster.store.ClusterStore} of an embedded store: one process, but the
 * same rules and tables as on a database server. Writes go through the store's one writer, so
 * each call (an election, a fenced write) runs alone; reads run on its read connections. Obtain
 * it from {@link SqliteJobStore#cluster()}; it lives and closes with the job store.
 */
final class SqliteClusterStore extends JdbcClusterStore {

    private final SqliteJobStore store;

    SqliteClusterStore(SqliteJobStore store) {
        this.store = store;
    }

    @Override
    public Instant now() {
        return store.now();
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
        return "cluster of " + store;
    }
}
