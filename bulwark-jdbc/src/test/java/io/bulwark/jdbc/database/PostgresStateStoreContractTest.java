package io.bulwark.jdbc.database;

import io.bulwark.core.state.StateStore;
import io.bulwark.core.time.SettableClock;
import io.bulwark.test.db.TestDatabase;
import io.bulwark.test.services.LocalService;
import io.bulwark.test.services.RequiresService;
import io.bulwark.test.state.StateStoreContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/** The PostgreSQL store's state keeps every state-store rule, on the real server. */
@RequiresService(LocalService.POSTGRESQL)
class PostgresStateStoreContractTest extends StateStoreContract {

    private static TestDatabase db;
    private DatabaseJobStore jobs;

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
    protected StateStore open(SettableClock clock) {
        jobs = DatabaseJobStore.open(DatabaseOptions.builder(db.url()).user(db.user()).clock(clock).build());
        db.truncate();
        return jobs.state();
    }

    @AfterEach
    void closeStore() {
        jobs.close();
    }
}
