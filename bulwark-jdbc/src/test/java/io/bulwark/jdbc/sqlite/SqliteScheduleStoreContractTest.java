package io.bulwark.jdbc.sqlite;

import io.bulwark.core.time.SettableClock;
import io.bulwark.test.scheduler.ScheduleStoreContract;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** The embedded store's schedules keep every schedule-store rule, on a real SQLite file. */
class SqliteScheduleStoreContractTest extends ScheduleStoreContract {

    @TempDir
    Path dir;
    private SqliteJobStore jobs;

    @Override
    protected Stores open(SettableClock clock) {
        jobs = SqliteJobStore.open(dir, clock, SqliteOptions.defaults());
        return new Stores(jobs.schedules(), jobs.cluster());
    }

    @Override
    protected void cleanup() {
        jobs.close();
    }
}
