package io.bulwark.jdbc.sqlite;

import io.bulwark.cluster.store.LockStore;
import io.bulwark.core.time.SettableClock;
import io.bulwark.test.cluster.LockStoreContract;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** The embedded store's locks keep every lock-store rule, on a real SQLite file. */
class SqliteLockStoreContractTest extends LockStoreContract {

    @TempDir
    Path dir;
    private SqliteJobStore jobs;

    @Override
    protected LockStore open(SettableClock clock) {
        jobs = SqliteJobStore.open(dir, clock, SqliteOptions.defaults());
        return jobs.locks();
    }

    @Override
    protected void cleanup() {
        jobs.close();
    }
}
