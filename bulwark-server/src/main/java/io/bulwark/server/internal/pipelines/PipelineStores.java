package io.bulwark.server.internal.pipelines;

import io.bulwark.jdbc.JdbcJobStore;
import io.bulwark.jobs.store.JobStore;
import io.bulwark.pipeline.store.InMemoryPipelineStore;
import io.bulwark.pipeline.store.PipelineStore;

import java.time.InstantSource;
import java.util.Optional;

/**
 * Where the server keeps pipelines and their runs: the one place the pipeline store is picked.
 *
 * <p>The job store's database is the place (a run's steps are jobs in it, and its clock stamps
 * both): every JDBC store (embedded SQLite, PostgreSQL, MariaDB) has one, so definitions and runs
 * survive restarts and the nodes of a fleet share them. A server over another job store (the
 * in-memory one, in tests) keeps pipelines in memory.
 */
final class PipelineStores {

    private PipelineStores() {
    }

    /** The job store's pipeline store when it has one, else one in memory on {@code clock}. */
    static PipelineStore open(Optional<JobStore> jobs, InstantSource clock) {
        return jobs.flatMap(PipelineStores::onJobStore).orElseGet(() -> new InMemoryPipelineStore(clock));
    }

    /** The pipeline store on the job store's database; it lives and closes with the job store. */
    static Optional<PipelineStore> onJobStore(JobStore store) {
        return store instanceof JdbcJobStore j ? Optional.of(j.pipelines()) : Optional.empty();
    }

    /** True when pipelines and runs outlive this process. */
    static boolean durable(PipelineStore store) {
        return !(store instanceof InMemoryPipelineStore);
    }
}
