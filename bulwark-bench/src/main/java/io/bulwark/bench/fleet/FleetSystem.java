package io.bulwark.bench.fleet;

import io.bulwark.bench.jobsdb.BenchDatabase;
import io.bulwark.bench.jobsdb.DbSchedulerRun;
import io.bulwark.bench.jobsdb.JobRunrRun;
import org.jobrunr.storage.sql.postgres.PostgresStorageProvider;

import java.io.IOException;
import java.sql.SQLException;
import java.util.List;

/**
 * One system of the fleet benchmark: how its jobs are enqueued before the nodes start, how one of
 * its nodes is started as a child process, and how the harness counts the jobs not yet done.
 */
sealed interface FleetSystem {

    /** The name in the report and in {@code --systems}. */
    String name();

    /** What each node is configured with, for the report. */
    String settings();

    /** A count of the jobs not yet done: the run ends when it reads 0. */
    String remainingSql();

    /** Makes the tables in {@code schema} and enqueues {@code jobs} no-op jobs; the seconds the enqueue took. */
    double seed(BenchDatabase.Schema schema, String user, int jobs, int batch) throws Exception;

    /** Starts node {@code name} on {@code url} (the schema's URL with the run's application name). */
    ChildNode start(NodeLauncher launcher, String url, String name) throws IOException;

    /** Checks the outcome after the run, beyond "nothing remains". */
    default void verify(BenchDatabase.Schema schema, int jobs) throws SQLException {
    }

    /**
     * Bulwark: real {@code bulwark worker} processes, jobs enqueued with {@code DatabaseJobStore.enqueue}.
     *
     * @param concurrency {@code jobs.concurrency} of each worker
     */
    record Bulwark(int concurrency) implements FleetSystem {

        static final String NAME = "bulwark";

        @Override
        public String name() {
            return NAME;
        }

        @Override
        public String settings() {
            return "bulwark worker, jobs.concurrency " + concurrency + ", its other defaults (claim batch 100, pool 10, "
                    + "LISTEN/NOTIFY + poll 500 ms), builtin.noop jobs";
        }

        @Override
        public String remainingSql() {
            return BulwarkJobs.REMAINING;
        }

        @Override
        public double seed(BenchDatabase.Schema schema, String user, int jobs, int batch) {
            try (BulwarkJobs store = BulwarkJobs.open(schema.url(), user)) {
                return store.enqueue(jobs, batch, BulwarkJobs.NOOP, "{}");
            }
        }

        @Override
        public ChildNode start(NodeLauncher launcher, String url, String name) throws IOException {
            return launcher.worker(url, name, List.of("--jobs.concurrency=" + concurrency));
        }

        @Override
        public void verify(BenchDatabase.Schema schema, int jobs) throws SQLException {
            long completed = schema.scalar(BulwarkJobs.COMPLETED);
            if (completed != jobs) {
                throw new IllegalStateException("bulwark: " + completed + " of " + jobs + " jobs completed in " + schema.name());
            }
        }
    }

    /** db-scheduler: {@link PeerNode}s with {@link DbSchedulerRun}'s settings, enqueued as {@code jobs-db} does. */
    record DbScheduler(DbSchedulerRun run) implements FleetSystem {

        @Override
        public String name() {
            return DbSchedulerRun.SYSTEM;
        }

        @Override
        public String settings() {
            return run.settings();
        }

        @Override
        public String remainingSql() {
            return DbSchedulerRun.REMAINING;
        }

        @Override
        public double seed(BenchDatabase.Schema schema, String user, int jobs, int batch) throws SQLException {
            DbSchedulerRun.createTable(schema);
            return DbSchedulerRun.enqueue(schema, user, jobs, batch);
        }

        @Override
        public ChildNode start(NodeLauncher launcher, String url, String name) throws IOException {
            return launcher.peer(name, PeerNode.args(run, url, launcher.user(), name));
        }
    }

    /** JobRunr: {@link PeerNode}s with {@link JobRunrRun}'s settings, enqueued as {@code jobs-db} does. */
    record JobRunr(JobRunrRun run) implements FleetSystem {

        @Override
        public String name() {
            return JobRunrRun.SYSTEM;
        }

        @Override
        public String settings() {
            return run.settings();
        }

        @Override
        public String remainingSql() {
            return JobRunrRun.REMAINING;
        }

        @Override
        public double seed(BenchDatabase.Schema schema, String user, int jobs, int batch) {
            try (var ds = run.nodePool(schema.url(), user, "jobrunr-client")) {
                PostgresStorageProvider storage = JobRunrRun.storage(ds, true);
                try {
                    return JobRunrRun.enqueue(storage, jobs);
                } finally {
                    storage.close();
                }
            }
        }

        @Override
        public ChildNode start(NodeLauncher launcher, String url, String name) throws IOException {
            return launcher.peer(name, PeerNode.args(run, url, launcher.user(), name));
        }
    }
}
