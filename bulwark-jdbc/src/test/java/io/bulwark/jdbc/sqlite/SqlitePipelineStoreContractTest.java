package io.bulwark.jdbc.sqlite;

import io.bulwark.core.time.SettableClock;
import io.bulwark.pipeline.store.PipelineStore;
import io.bulwark.test.pipeline.PipelineStoreContract;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** The embedded store's pipelines keep every pipeline-store rule, on a real SQLite file. */
class SqlitePipelineStoreContractTest extends PipelineStoreContract {

    @TempDir
    Path dir;
    private SqliteJobStore jobs;

    @Override
    protected PipelineStore open(SettableClock clock) {
        jobs = SqliteJobStore.open(dir, clock, SqliteOptions.defaults());
        return jobs.pipelines();
    }

    @Override
    protected void cleanup() {
        jobs.close();
    }
}
