package io.bulwark.bench.jobsdb;

import com.zaxxer.hikari.HikariDataSource;
import org.jobrunr.jobs.lambdas.JobRequest;
import org.jobrunr.jobs.lambdas.JobRequestHandler;
import org.jobrunr.jobs.mappers.JobMapper;
import org.jobrunr.scheduling.JobRequestScheduler;
import org.jobrunr.server.BackgroundJobServer;
import org.jobrunr.server.JobActivator;
import org.jobrunr.storage.StorageProviderUtils;
import org.jobrunr.storage.sql.postgres.PostgresStorageProvider;
import org.jobrunr.utils.mapper.jackson.JacksonJsonMapper;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import static org.jobrunr.server.BackgroundJobServerConfiguration.usingStandardBackgroundJobServerConfiguration;

/**
 * JobRunr (open source) on its PostgreSQL storage provider, with {@link BackgroundJobServer}s
 * given the smallest poll interval JobRunr accepts for a SQL store (5 s; it refuses less) and
 * {@code workers} workers each (its own default on Java 21 is 16 per core, virtual threads). A
 * worker that goes idle asks for more work at once, so the poll interval only bounds the start.
 * Jobs are {@link JobRequest}s with a no-op handler, enqueued through {@link JobRequestScheduler}'s
 * stream enqueue, which saves them in batches.
 */
record JobRunrRun(int workers, int poolSize, Duration pollInterval) {

    static final String SYSTEM = "jobrunr";
    static final String REMAINING = "SELECT count(*) FROM jobrunr_jobs WHERE state IN ('ENQUEUED', 'PROCESSING', 'SCHEDULED', 'AWAITING')";

    /** The job: no fields, so its JSON is as small as JobRunr makes it. */
    public static final class Noop implements JobRequest {
        @Override
        public Class<NoopHandler> getJobRequestHandler() {
            return NoopHandler.class;
        }
    }

    /** Does nothing. */
    public static final class NoopHandler implements JobRequestHandler<Noop> {
        @Override
        public void run(Noop job) {
        }
    }

    String settings() {
        return "workers " + workers + "/node (virtual threads), pollInterval " + pollInterval.toSeconds()
                + " s (the minimum), pool " + poolSize + "/node, JobRequest + no-op handler";
    }

    ThroughputResult run(BenchDatabase.Schema schema, String user, int jobs, int nodes) throws Exception {
        double loadBefore = BenchDatabase.loadAverage();
        JacksonJsonMapper json = new JacksonJsonMapper();
        JobActivator activator = new JobActivator() {
            @Override
            public <T> T activateJob(Class<T> type) {
                try {
                    return type.getDeclaredConstructor().newInstance();
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(e);
                }
            }
        };
        List<HikariDataSource> pools = new ArrayList<>();
        List<PostgresStorageProvider> storages = new ArrayList<>();
        List<BackgroundJobServer> servers = new ArrayList<>();
        try {
            for (int i = 0; i < nodes; i++) {
                HikariDataSource ds = DbSchedulerRun.pool(schema.url(), user, "jobrunr-" + i, poolSize);
                pools.add(ds);
                PostgresStorageProvider storage = new PostgresStorageProvider(ds, i == 0
                        ? StorageProviderUtils.DatabaseOptions.CREATE : StorageProviderUtils.DatabaseOptions.SKIP_CREATE);
                storage.setJobMapper(new JobMapper(json));
                storages.add(storage);
            }
            JobRequestScheduler client = new JobRequestScheduler(storages.get(0));
            long t0 = System.nanoTime();
            client.enqueue(IntStream.range(0, jobs).mapToObj(i -> new Noop()));
            double enqueueSeconds = (System.nanoTime() - t0) / 1e9;

            for (int i = 0; i < nodes; i++) {
                servers.add(new BackgroundJobServer(storages.get(i), json, activator,
                        usingStandardBackgroundJobServerConfiguration().andName("node-" + (i + 1))
                                .andWorkerCount(workers).andPollInterval(pollInterval)));
            }
            CpuUse cpu0 = CpuUse.now();
            long t1 = System.nanoTime();
            servers.forEach(BackgroundJobServer::start);
            double runSeconds = schema.awaitZero(REMAINING, t1, 600);
            CpuUse cpu = CpuUse.now().minus(cpu0);
            return new ThroughputResult(SYSTEM, nodes, jobs, enqueueSeconds, runSeconds, settings(), loadBefore,
                    BenchDatabase.loadAverage(), cpu);
        } finally {
            servers.forEach(BackgroundJobServer::stop);
            storages.forEach(PostgresStorageProvider::close);
            pools.forEach(HikariDataSource::close);
        }
    }
}
