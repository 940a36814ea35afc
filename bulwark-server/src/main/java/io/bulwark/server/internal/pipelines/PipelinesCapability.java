package io.bulwark.server.internal.pipelines;

import io.bulwark.core.config.ConfigKey;
import io.bulwark.core.health.HealthCheck;
import io.bulwark.core.health.HealthResult;
import io.bulwark.core.units.Durations;
import io.bulwark.jobs.Job;
import io.bulwark.pipeline.Pipelines;
import io.bulwark.pipeline.store.PipelineStore;
import io.bulwark.server.PipelineKeys;
import io.bulwark.server.StartupException;
import io.bulwark.server.capability.Capability;
import io.bulwark.server.capability.CapabilityFactory;
import io.bulwark.server.capability.ServerContext;
import io.bulwark.server.http.ApiRoutes;
import io.bulwark.server.internal.cluster.ClusterCapability;
import io.bulwark.server.internal.jobs.JobsCapability;
import io.bulwark.server.internal.jobs.JobsRuntime;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Pipelines: definitions registered over {@code /api/v1/pipelines}, runs whose steps are jobs on
 * the queue {@code pipelines.queue}, moved on as their jobs end. Made after jobs (steps are jobs of
 * its engine, and any registered job type is a step type) and the cluster (the leader sweeps), and
 * before schedules (which start pipeline runs), so on shutdown schedules stop first, then this,
 * then the cluster and the job engine.
 *
 * <h2>How a run moves on</h2>
 * Each outcome this node's worker records is handed to a small executor of this capability's
 * own, which advances the step's run ({@link Pipelines#advance}); outcomes of one run that arrive
 * while its advance waits are folded into that one advance. The leader also sweeps running runs
 * once a second ({@link #sweep()}), which moves on runs whose jobs ended on another node or whose
 * advance was lost in a crash or a full executor. Every advance is idempotent, so the two meeting
 * on one run start nothing twice. Either way the run's steps are enqueued under the run's span
 * (see {@link Pipelines}), so a run is one trace whichever node advances it.
 */
public final class PipelinesCapability implements Capability {

    private static final Logger LOG = LoggerFactory.getLogger(PipelinesCapability.class);

    /** How often the leader sweeps. */
    static final Duration SWEEP_PERIOD = Duration.ofSeconds(1);
    /** Runs one sweep advances at most. */
    static final int SWEEP_BATCH = 500;
    /** Threads that advance runs as their jobs end. */
    private static final int ADVANCE_THREADS = 2;
    /** Runs waiting to be advanced at most; past it an outcome is left to the leader's sweep. */
    private static final int ADVANCE_BACKLOG = 10_000;

    /** Made when the server runs jobs. */
    public static final class Factory implements CapabilityFactory {
        @Override
        public String name() {
            return "pipelines";
        }

        @Override
        public List<ConfigKey<?>> configKeys() {
            return PipelineKeys.ALL;
        }

        @Override
        public Optional<Capability> create(ServerContext ctx) {
            Optional<JobsCapability> jobs = ctx.capability(JobsCapability.class);
            if (jobs.isEmpty()) {
                return Optional.empty();
            }
            ClusterCapability cluster = ctx.capability(ClusterCapability.class).orElseThrow(
                    () -> new StartupException("pipelines need the cluster capability (the leader sweeps runs)"));
            PipelineStore store = PipelineStores.open(ctx.jobStore(), ctx.clock());
            if (!PipelineStores.durable(store)) {
                LOG.debug("Pipelines and their runs are kept in memory on this store: they last until the process exits");
            }
            return Optional.of(new PipelinesCapability(jobs.get().runtime(), store, cluster.node()::isLeader,
                    ctx.config().get(PipelineKeys.QUEUE), ctx.meters(), ctx.clock(), ctx.bodyLimit()));
        }
    }

    private final JobsRuntime jobs;
    private final PipelineStore store;
    private final Pipelines pipelines;
    private final BooleanSupplier leader;
    private final String queue;
    private final InstantSource clock;
    private final long bodyLimit;
    private final RunningRuns running;
    private final Set<UUID> waiting = ConcurrentHashMap.newKeySet();
    private final ThreadPoolExecutor advancer;
    private final ScheduledExecutorService sweeper =
            Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("bulwark-pipelines-sweep").daemon(true).factory());
    private volatile Instant lastSweep;
    private volatile int lastSwept;
    private volatile String lastProblem;

    /**
     * @param jobs the job engine: steps are enqueued through its client, its handler types are step types,
     *             and its worker tells this capability of each outcome
     * @param leader whether this node leads the fleet now (only the leader sweeps)
     * @param queue the queue step jobs go to
     */
    PipelinesCapability(JobsRuntime jobs, PipelineStore store, BooleanSupplier leader, String queue, MeterRegistry meters,
                        InstantSource clock, long bodyLimit) {
        this.jobs = jobs;
        this.store = store;
        this.leader = leader;
        this.queue = queue;
        this.clock = clock;
        this.bodyLimit = bodyLimit;
        this.pipelines = Pipelines.builder(store, jobs.client()).queue(queue).stepTypes(() -> jobs.handlers().types())
                .meters(meters).clock(clock).tracing(jobs.tracing()).build();
        this.running = new RunningRuns(store, clock);
        // Not bulwark_pipeline_runs: Prometheus takes that name for the counter bulwark_pipeline_runs_total, and the
        // registry drops whichever of the two comes second.
        Gauge.builder("bulwark_pipeline_runs_current", running, RunningRuns::get).tag("state", "running")
                .description("Pipeline runs in each state now (running: not ended yet), all pipelines").register(meters);
        this.advancer = new ThreadPoolExecutor(ADVANCE_THREADS, ADVANCE_THREADS, 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(ADVANCE_BACKLOG), Thread.ofPlatform().name("bulwark-pipelines-", 0).daemon(true)
                .factory(), new ThreadPoolExecutor.AbortPolicy());
        this.advancer.allowCoreThreadTimeOut(true);
        // Registered now, before the worker's first claim, so that no step's outcome goes unheard.
        jobs.worker().onRecorded(this::recorded);
    }

    @Override
    public String name() {
        return "pipelines";
    }

    /** The executor, for the routes, the schedules' launcher and tests. */
    public Pipelines pipelines() {
        return pipelines;
    }

    /** The queue step jobs go to ({@code pipelines.queue}). */
    public String queue() {
        return queue;
    }

    /**
     * The worker's listener: a step job's outcome was recorded, so its run may move on. Quick and
     * never throws: it only queues the run (once, however many of its jobs end meanwhile). With
     * tracing on, the advance runs in the run's own span, stored with the run ({@link Pipelines}
     * makes it current), so the next steps' enqueues are its children wherever they are advanced
     * from, this listener or the leader's sweep. A run that has no span (started while traces were
     * off, or before the store kept them) advances in the context of the step's enqueue, as it
     * always did, so its next steps still join the trace of its first.
     */
    void recorded(Job job) {
        Pipelines.runOf(job).ifPresent(run -> {
            if (!waiting.add(run)) {
                return; // an advance of this run is queued and has not read the run yet
            }
            io.bulwark.core.tracing.Tracing tracing = jobs.tracing();
            io.opentelemetry.context.Context trace = tracing.enabled() ? tracing.fromTraceparent(job.traceparent()) : null;
            try {
                advancer.execute(trace == null ? () -> advance(run) : trace.wrap(() -> advance(run)));
            } catch (RejectedExecutionException e) {
                waiting.remove(run);
                LOG.debug("Run {} is left to the leader's sweep: the advance backlog is full or shutting down", run);
            }
        });
    }

    private void advance(UUID run) {
        waiting.remove(run); // before reading the run: an outcome recorded from now on queues another advance
        try {
            pipelines.advance(run);
        } catch (RuntimeException e) {
            LOG.debug("Pipeline run {} did not move on now ({}); the leader's sweep tries again", run, e.toString());
        }
    }

    /**
     * One sweep, what the leader's thread runs each second: advances up to {@value #SWEEP_BATCH}
     * running runs, oldest first. Never throws; a failure is logged once per distinct message.
     *
     * @return how many runs it advanced; empty when this node is not the leader or the sweep failed
     */
    public Optional<Integer> sweep() {
        if (!leader.getAsBoolean()) {
            return Optional.empty();
        }
        try {
            int n = pipelines.sweep(SWEEP_BATCH);
            lastSweep = clock.instant();
            lastSwept = n;
            if (lastProblem != null) {
                LOG.info("Pipeline sweeps work again after: {}", lastProblem);
                lastProblem = null;
            }
            return Optional.of(n);
        } catch (RuntimeException e) {
            String problem = e.toString();
            if (!problem.equals(lastProblem)) {
                LOG.warn("A sweep of pipeline runs failed ({}); runs still move on as this node's step jobs end, and the "
                        + "next sweep, in {}, tries again. Logged again only if the error changes", problem,
                        Durations.format(SWEEP_PERIOD), e);
            }
            lastProblem = problem;
            return Optional.empty();
        }
    }

    @Override
    public void routes(ApiRoutes routes) {
        new PipelineRoutes(pipelines, () -> jobs.handlers().types(), bodyLimit).register(routes);
        new RunRoutes(pipelines, bodyLimit).register(routes);
    }

    @Override
    public List<HealthCheck> healthChecks() {
        return List.of(new HealthCheck() {
            @Override
            public String name() {
                return "pipelines";
            }

            @Override
            public boolean readiness() {
                return false; // a failing sweep delays runs; it does not make the node unfit for traffic
            }

            @Override
            public HealthResult check() {
                Map<String, Object> d = new LinkedHashMap<>();
                String storeError = null;
                try {
                    d.put("running", running.refresh());
                } catch (RuntimeException e) {
                    storeError = "cannot count running runs: " + e;
                    d.put("storeError", storeError);
                }
                d.put("queue", queue);
                d.put("durable", PipelineStores.durable(store));
                boolean leads = leader.getAsBoolean();
                d.put("leader", leads);
                Instant swept = lastSweep;
                if (leads && swept != null) {
                    d.put("lastSweepAt", swept.toString());
                    d.put("lastSweepRuns", lastSwept);
                }
                String problem = lastProblem;
                if (problem != null) {
                    d.put("lastError", problem);
                }
                return problem != null || storeError != null ? HealthResult.degraded(d) : HealthResult.up(d);
            }
        });
    }

    /** Serves the steps' queue on this node (unless {@code jobs.serveQueues} leaves it out) and starts sweeping. */
    @Override
    public void start() {
        jobs.serveIfAllowed(queue);
        long ms = SWEEP_PERIOD.toMillis();
        sweeper.scheduleWithFixedDelay(this::sweep, ms, ms, TimeUnit.MILLISECONDS);
    }

    /** Stops sweeping and advancing; an advance under way finishes within {@code grace} (runs go on at the next leader). */
    @Override
    public void stop(Duration grace) {
        sweeper.shutdown();
        advancer.shutdown();
        long ms = Math.max(1, Math.min(grace.toMillis(), 5_000));
        try {
            if (!sweeper.awaitTermination(ms, TimeUnit.MILLISECONDS)) {
                sweeper.shutdownNow();
            }
            if (!advancer.awaitTermination(ms, TimeUnit.MILLISECONDS)) {
                advancer.shutdownNow();
            }
        } catch (InterruptedException e) {
            sweeper.shutdownNow();
            advancer.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    /** The pipeline store is memory or lives in the job store's database (the job store closes it). */
    @Override
    public void close() {
        sweeper.shutdownNow();
        advancer.shutdownNow();
        if (!PipelineStores.durable(store)) {
            store.close();
        }
    }
}
