package io.bulwark.jdbc.database;

import io.bulwark.core.time.SettableClock;
import io.bulwark.pipeline.store.PipelineStore;
import io.bulwark.test.db.TestDatabase;
import io.bulwark.test.pipeline.PipelineStoreContract;
import io.bulwark.test.services.LocalService;
import io.bulwark.test.services.RequiresService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The PostgreSQL store's pipelines keep every pipeline-store rule, on the real server. */
@RequiresService(LocalService.POSTGRESQL)
class PostgresPipelineStoreContractTest extends PipelineStoreContract {

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
    protected PipelineStore open(SettableClock clock) {
        jobs = DatabaseJobStore.open(DatabaseOptions.builder(db.url()).user(db.user()).clock(clock).build());
        return jobs.pipelines();
    }

    @Override
    protected void cleanup() {
        jobs.close();
        db.truncate();
    }
}
