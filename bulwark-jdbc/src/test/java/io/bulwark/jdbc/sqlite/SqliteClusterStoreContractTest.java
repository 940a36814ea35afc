package io.bulwark.jdbc.sqlite;

import io.bulwark.cluster.store.ClusterStore;
import io.bulwark.core.time.SettableClock;
import io.bulwark.test.cluster.ClusterStoreContract;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** The embedded store's cluster (nodes, leader, terms) keep every cluster-store rule, on a real SQLite file. */
class SqliteClusterStoreContractTest extends ClusterStoreContract {

    @TempDir
    Path dir;
    private SqliteJobStore jobs;

    @Override
    protected ClusterStore open(SettableClock clock) {
        jobs = SqliteJobStore.open(dir, clock, SqliteOptions.defaults());
        return jobs.cluster();
    }

    @Override
    protected void cleanup() {
        jobs.close();
    }
}
