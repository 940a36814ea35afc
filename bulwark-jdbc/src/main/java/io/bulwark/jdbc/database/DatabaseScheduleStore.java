package io.bulwark.jdbc.database;

import io.bulwark.jdbc.internal.cluster.ClusterTx;
import io.bulwark.jdbc.internal.schedule.JdbcScheduleStore;

import java.time.Instant;

/**
 * The {@link io.bulwark.scheduler.store.ScheduleStore} of a database store: schedules and their
 * firings in tables beside the jobs, every call one transaction on the store's pool stamped with
 * the database's clock, the leader's term checked against the cluster's leader row in the same
 * transaction. Obtain it from {@link DatabaseJobStore#schedules()}; it lives and closes with the
 * job store.
 */
final class DatabaseScheduleStore extends JdbcScheduleStore {

    private final DatabaseJobStore store;

    DatabaseScheduleStore(DatabaseJobStore store) {
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
        return "schedules of " + store;
    }
}
