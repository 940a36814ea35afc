package io.bulwark.bench.jobsdb;

import io.bulwark.core.ids.Uuid7;
import io.bulwark.jdbc.database.DatabaseJobStore;
import io.bulwark.jdbc.database.DatabaseOptions;
import io.bulwark.jdbc.database.PoolSettings;
import io.bulwark.jobs.Handlers;
import io.bulwark.jobs.JobClient;
import io.bulwark.jobs.JobRequest;
import io.bulwark.jobs.QueueRegistry;
import io.bulwark.jobs.QueueSettings;
import io.bulwark.jobs.Worker;
import io.bulwark.jobs.WorkerLoop;
import io.bulwark.jobs.store.NewJob;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.HdrHistogram.Histogram;

import java.sql.Connection;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.random.RandomGenerator;

/**
 * Bulwark on {@link DatabaseJobStore}: N nodes in this JVM, each a store (its own pool), a
 * {@link Worker} and a {@link WorkerLoop} on a scheduler of its own, listening for wake-ups, all on
 * one schema. Jobs are enqueued through {@link JobClient} (what an application calls), in batches.
 *
 * @param claimBatch jobs one claim takes
 * @param concurrency jobs running at once per node
 * @param poolSize connections per node's pool
 * @param pollInterval the loop's poll period (a full claim polls again at once)
 * @param loopThreads threads of each node's loop scheduler
 * @param claimsInFlight store calls of the queue each node keeps in flight; 0 takes the store's choice
 */
record BulwarkRun(int claimBatch, int concurrency, int poolSize, Duration pollInterval, int loopThreads,
        int claimsInFlight) {

    /** The store calls of the last run, one line per operation (set by {@link #run}). */
    static volatile String lastCalls = "";

    static final String QUEUE = "bench";
    static final String REMAINING = "SELECT count(*) FROM bulwark_jobs WHERE queue = 'bench' "
            + "AND state IN ('scheduled', 'available', 'running', 'retryable')";

    String settings() {
        return "claimBatch " + claimBatch + ", concurrency " + concurrency + "/node, pool " + poolSize
                + "/node, poll " + pollInterval.toMillis() + " ms + LISTEN/NOTIFY, " + loopThreads
                + " loop threads/node, " + (claimsInFlight > 0 ? claimsInFlight + " claims in flight/queue" : "the store's claims in flight")
                + ", virtual-thread handlers";
    }

    DatabaseOptions options(String url, String user) {
        return DatabaseOptions.builder(url).user(user)
                .pool(new PoolSettings(poolSize, Math.min(2, poolSize), Duration.ofMinutes(30), Duration.ofSeconds(30),
                        Duration.ofSeconds(2), Duration.ZERO))
                .build();
    }

    ThroughputResult run(BenchDatabase.Schema schema, String user, int jobs, int nodes, int enqueueBatch) throws Exception {
        double loadBefore = BenchDatabase.loadAverage();
        List<DatabaseJobStore> stores = new ArrayList<>();
        List<AutoCloseable> closers = new ArrayList<>();
        try {
            for (int i = 0; i < nodes; i++) {
                stores.add(DatabaseJobStore.open(options(schema.url(), user)));
            }
            QueueRegistry queues = new QueueRegistry(QueueSettings.DEFAULT);
            queues.put(QUEUE, QueueSettings.DEFAULT.withConcurrency(concurrency));
            JobClient client = new JobClient(stores.get(0), queues, new Uuid7(InstantSource.system(), RandomGenerator.getDefault()),
                    new SimpleMeterRegistry(), q -> { });
            long t0 = System.nanoTime();
            List<JobRequest> batch = new ArrayList<>(enqueueBatch);
            for (int done = 0; done < jobs; done += batch.size()) {
                batch.clear();
                for (int i = 0; i < Math.min(enqueueBatch, jobs - done); i++) {
                    batch.add(JobRequest.builder(QUEUE, "noop").build());
                }
                client.enqueueAll(batch);
            }
            double enqueueSeconds = (System.nanoTime() - t0) / 1e9;

            Handlers handlers = new Handlers().register("noop", Map.class, ctx -> {
                HandlerRuns.ran();
                return null;
            });
            Map<String, TimedJobStore.Stat> calls = TimedJobStore.newStats();
            HandlerRuns.COUNT.set(0);
            CpuUse cpu0 = CpuUse.now();
            long t1 = System.nanoTime();
            for (int i = 0; i < nodes; i++) {
                DatabaseJobStore store = stores.get(i);
                ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
                ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(loopThreads,
                        Thread.ofPlatform().daemon().name("bench-node-" + i + "-loop-", 0).factory());
                Worker.Builder wb = Worker.builder(new TimedJobStore(store, calls), handlers).queues(QUEUE).settings(queues)
                        .node("node-" + (i + 1)).executor(executor).claimBatch(claimBatch);
                Worker worker = (claimsInFlight > 0 ? wb.claimsInFlight(claimsInFlight) : wb).build(); // else the store's
                WorkerLoop loop = WorkerLoop.start(worker, scheduler, pollInterval);
                store.listen(q -> loop.wake(), Thread.ofPlatform().daemon().name("bench-node-" + i + "-listen").factory())
                        .ifPresent(closers::add);
                closers.add(() -> {
                    // Let a poll under way finish: interrupting it mid-statement breaks its connection.
                    loop.stop();
                    scheduler.shutdown();
                    scheduler.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS);
                    worker.drain(Duration.ofSeconds(5));
                    executor.shutdown();
                });
            }
            double runSeconds = schema.awaitZero(REMAINING, jobs, t1, 600);
            CpuUse cpu = CpuUse.now().minus(cpu0);
            long completed = schema.scalar("SELECT count(*) FROM bulwark_jobs WHERE queue = 'bench' AND state = 'completed'");
            if (completed != jobs) {
                throw new IllegalStateException("Bulwark: " + completed + " of " + jobs + " jobs completed");
            }
            lastCalls = TimedJobStore.describe(calls);
            return new ThroughputResult(JobsDbReport.BULWARK, nodes, jobs, enqueueSeconds, runSeconds, settings(), loadBefore,
                    BenchDatabase.loadAverage(), cpu);
        } finally {
            for (AutoCloseable c : closers.reversed()) {
                c.close();
            }
            stores.forEach(DatabaseJobStore::close);
        }
    }

    /**
     * p50/p99 of one transactional enqueue ({@code enqueue(connection, job)} and the caller's commit)
     * and of one plain {@code enqueue(job)}, each over {@code calls} sequential calls after
     * {@code warmup} unmeasured ones, interleaved so that both see the same machine.
     */
    JobsDbReport.Latency latency(BenchDatabase.Schema schema, BenchDatabase db, int warmup, int calls) throws Exception {
        try (DatabaseJobStore store = DatabaseJobStore.open(options(schema.url(), db.user()));
             Connection app = db.connect(schema.url())) {
            Uuid7 ids = new Uuid7(InstantSource.system(), RandomGenerator.getDefault());
            Histogram tx = new Histogram(3);
            Histogram plain = new Histogram(3);
            for (int i = 0; i < warmup + calls; i++) {
                long t0 = System.nanoTime();
                store.enqueue(app, List.of(job(ids)));
                app.commit();
                long t1 = System.nanoTime();
                store.enqueue(List.of(job(ids)));
                long t2 = System.nanoTime();
                if (i >= warmup) {
                    tx.recordValue((t1 - t0) / 1000);
                    plain.recordValue((t2 - t1) / 1000);
                }
            }
            return new JobsDbReport.Latency(calls, tx.getValueAtPercentile(50) / 1000.0, tx.getValueAtPercentile(99) / 1000.0,
                    plain.getValueAtPercentile(50) / 1000.0, plain.getValueAtPercentile(99) / 1000.0);
        }
    }

    private static NewJob job(Uuid7 ids) {
        QueueSettings s = QueueSettings.DEFAULT;
        return new NewJob(ids.next(), "latency", "noop", "{}", s.priority(), null, s.maxAttempts(), s.backoff(), s.timeout(),
                null, Set.of());
    }
}
