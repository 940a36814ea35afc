package io.bulwark.jdbc.database;

import io.bulwark.core.time.SettableClock;
import io.bulwark.jobs.store.JobStore;
import io.bulwark.test.jobs.JobStoreContract;
import io.bulwark.test.db.TestDatabase;
import io.bulwark.test.services.LocalService;
import io.bulwark.test.services.RequiresService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.time.Duration;

/** The PostgreSQL store keeps every store rule, on the real server, in a schema of its own. */
@RequiresService(LocalService.POSTGRESQL)
class PostgresJobStoreContractTest extends JobStoreContract {

    private static TestDatabase db;

    @BeforeAll
    static void createDatabase() {
        db = TestDatabase.create(LocalService.POSTGRESQL);
    }

    @AfterAll
    static void dropDatabase() {
        if (db != null) {
            db.close();
        }
    }

    @Override
    protected JobStore createStore(SettableClock clock, Duration agingStep) {
        return DatabaseJobStore.open(DatabaseOptions.builder(db.url()).user(db.user()).clock(clock).agingStep(agingStep).build());
    }

    @Override
    protected void cleanup() {
        db.truncate();
    }
}
