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
import javax.sql.DataSource;

import static org.jobrunr.server.BackgroundJobServerConfiguration.usingStandardBackgroundJobServerConfiguration;

/**
 * JobRunr (open source) on its PostgreSQL storage provider, with {@link BackgroundJobServer}s
 * given the smallest poll interval JobRunr accepts for a SQL store (5 s; it refuses less) and
 * {@code workers} workers each (its own default on Java 21 is 16 per core, virtual threads). A
 * worker that goes idle asks for more work at once, so the poll interval only bounds the start.
 * Jobs are {@link JobRequest}s with a no-op handler, enqueued through {@link JobRequestScheduler}'s
 * stream enqueue, which saves them in batches. The pieces ({@link #storage}, {@link #enqueue},
 * {@link #server}) are public so that the {@code fleet} benchmark starts the same nodes in child
 * processes.
 */
public record JobRunrRun(int workers, int poolSize, Duration pollInterval) {

    public static final String SYSTEM = "jobrunr";
    public static final String REMAINING = "SELECT count(*) FROM jobrunr_jobs WHERE state IN ('ENQUEUED', 'PROCESSING', 'SCHEDULED', 'AWAITING')";

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
            HandlerRuns.ran();
        }
    }

    /** What this run is configured with, for the report. */
    public String settings() {
        return "workers " + workers + "/node (virtual threads), pollInterval " + pollInterval.toSeconds()
                + " s (the minimum), pool " + poolSize + "/node, JobRequest + no-op handler";
    }

    ThroughputResult run(BenchDatabase.Schema schema, String user, int jobs, int nodes) throws Exception {
        double loadBefore = BenchDatabase.loadAverage();
        List<HikariDataSource> pools = new ArrayList<>();
        List<PostgresStorageProvider> storages = new ArrayList<>();
        List<BackgroundJobServer> servers = new ArrayList<>();
        try {
            for (int i = 0; i < nodes; i++) {
                HikariDataSource ds = nodePool(schema.url(), user, "jobrunr-" + i);
                pools.add(ds);
                storages.add(storage(ds, i == 0));
            }
            double enqueueSeconds = enqueue(storages.get(0), jobs);
            for (int i = 0; i < nodes; i++) {
                servers.add(server(storages.get(i), "node-" + (i + 1)));
            }
            HandlerRuns.COUNT.set(0);
            CpuUse cpu0 = CpuUse.now();
            long t1 = System.nanoTime();
            servers.forEach(BackgroundJobServer::start);
            double runSeconds = schema.awaitZero(REMAINING, jobs, t1, 600);
            CpuUse cpu = CpuUse.now().minus(cpu0);
            return new ThroughputResult(SYSTEM, nodes, jobs, enqueueSeconds, runSeconds, settings(), loadBefore,
                    BenchDatabase.loadAverage(), cpu);
        } finally {
            servers.forEach(BackgroundJobServer::stop);
            storages.forEach(PostgresStorageProvider::close);
            pools.forEach(HikariDataSource::close);
        }
    }

    /**
     * This run with a pool small enough that {@code nodes} of them fit in {@code budget}
     * connections (three nodes of 32 workers would need 102 of a default server's 97), saying so
     * on {@code out} when it had to shrink. The workers stay as many: they share the pool.
     */
    public JobRunrRun fitting(int nodes, int budget, java.io.PrintWriter out) {
        if ((long) poolSize * nodes <= budget) {
            return this;
        }
        int fits = Math.max(2, budget / nodes);
        out.printf("jobrunr, %d node(s): pool %d a node instead of %d, so that %d nodes fit in the server's %d "
                + "connections for the systems under test%n", nodes, fits, poolSize, nodes, budget);
        return new JobRunrRun(workers, fits, pollInterval);
    }

    /** A node's pool of {@code poolSize} connections. */
    public HikariDataSource nodePool(String url, String user, String name) {
        return DbSchedulerRun.pool(url, user, name, poolSize);
    }

    /** JobRunr's PostgreSQL storage on {@code ds}; {@code create} makes its tables (the first node only). */
    public static PostgresStorageProvider storage(DataSource ds, boolean create) {
        PostgresStorageProvider storage = new PostgresStorageProvider(ds, create
                ? StorageProviderUtils.DatabaseOptions.CREATE : StorageProviderUtils.DatabaseOptions.SKIP_CREATE);
        storage.setJobMapper(new JobMapper(new JacksonJsonMapper()));
        return storage;
    }

    /** Enqueues {@code jobs} {@link Noop}s with the stream enqueue (saved in batches); the seconds it took. */
    public static double enqueue(PostgresStorageProvider storage, int jobs) {
        JobRequestScheduler client = new JobRequestScheduler(storage);
        long t0 = System.nanoTime();
        client.enqueue(IntStream.range(0, jobs).mapToObj(i -> new Noop()));
        return (System.nanoTime() - t0) / 1e9;
    }

    /** One node, not yet started, named {@code name}, with this run's settings. */
    public BackgroundJobServer server(PostgresStorageProvider storage, String name) {
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
        return new BackgroundJobServer(storage, new JacksonJsonMapper(), activator,
                usingStandardBackgroundJobServerConfiguration().andName(name).andWorkerCount(workers).andPollInterval(pollInterval));
    }
}
