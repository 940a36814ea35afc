package io.bulwark.jdbc.sqlite;

import io.bulwark.jdbc.internal.cluster.ClusterTx;
import io.bulwark.jdbc.internal.schedule.JdbcScheduleStore;

import java.time.Instant;

/**
 * The {@link io.bulwark.scheduler.store.ScheduleStore} of an embedded store: the same rules and
 * tables as on a database server. Writes go through the store's one writer, so each call (a
 * leader's pass, a trigger) runs alone; reads run on its read connections. Obtain it from
 * {@link SqliteJobStore#schedules()}; it lives and closes with the job store.
 */
final class SqliteScheduleStore extends JdbcScheduleStore {

    private final SqliteJobStore store;

    SqliteScheduleStore(SqliteJobStore store) {
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
        return "schedules of " + store;
    }
}
