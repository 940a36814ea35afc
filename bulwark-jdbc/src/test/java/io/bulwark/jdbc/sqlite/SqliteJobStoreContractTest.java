package io.bulwark.jdbc.sqlite;

import io.bulwark.core.time.SettableClock;
import io.bulwark.jobs.store.JobStore;
import io.bulwark.test.jobs.JobStoreContract;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

/** The embedded store keeps every store rule, on a real SQLite file. */
class SqliteJobStoreContractTest extends JobStoreContract {

    @TempDir
    Path dir;

    @Override
    protected JobStore createStore(SettableClock clock, Duration agingStep) {
        return SqliteJobStore.open(dir, clock, SqliteOptions.builder().agingStep(agingStep).build());
    }
}
