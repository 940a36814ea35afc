package io.bulwark.server.internal.schedules;

import io.bulwark.cluster.ClusterNode;
import io.bulwark.core.config.BulwarkConfig;
import io.bulwark.core.config.ConfigKey;
import io.bulwark.core.health.HealthCheck;
import io.bulwark.core.health.HealthResult;
import io.bulwark.jobs.JobClient;
import io.bulwark.scheduler.FiringState;
import io.bulwark.scheduler.JobLauncher;
import io.bulwark.scheduler.Launcher;
import io.bulwark.scheduler.Schedule;
import io.bulwark.scheduler.Scheduler;
import io.bulwark.scheduler.store.ScheduleRow;
import io.bulwark.scheduler.store.ScheduleStore;
import io.bulwark.server.ScheduleKeys;
import io.bulwark.server.StartupException;
import io.bulwark.server.capability.Capability;
import io.bulwark.server.capability.CapabilityFactory;
import io.bulwark.server.capability.ServerContext;
import io.bulwark.server.http.ApiRoutes;
import io.bulwark.server.internal.cluster.ClusterCapability;
import io.bulwark.server.internal.jobs.JobsCapability;
import io.bulwark.server.internal.pipelines.PipelineLauncher;
import io.bulwark.server.internal.pipelines.PipelinesCapability;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.InstantSource;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Cron schedules: the schedules declared in config ({@code schedules.<name>.*}) and those made
 * over {@code /api/v1/schedules}, fired by the fleet's leader. Made after jobs (its launcher
 * enqueues through the job client), pipelines (a schedule may start a run) and the cluster (only the leader fires, with its term as the
 * fencing token), so it stops first: no tick fires while the node drains.
 *
 * <p>Every node serves the routes and may change, pause or trigger schedules; the leader alone
 * calls {@link Scheduler#runDue} once a second on this capability's own thread ({@link #pass()}).
 */
public final class SchedulesCapability implements Capability {

    private static final Logger LOG = LoggerFactory.getLogger(SchedulesCapability.class);

    /** How often the leader fires due ticks. Every-second crons are the finest there are. */
    static final Duration PERIOD = Duration.ofSeconds(1);

    /** Made when the server runs jobs; a config that declares schedules without a job store is refused. */
    public static final class Factory implements CapabilityFactory {
        @Override
        public String name() {
            return "schedules";
        }

        @Override
        public List<ConfigKey<?>> configKeys() {
            return ScheduleKeys.ALL;
        }

        @Override
        public Optional<Capability> create(ServerContext ctx) {
            Optional<JobsCapability> jobs = ctx.capability(JobsCapability.class);
            ClusterCapability cluster = ctx.capability(ClusterCapability.class).orElseThrow(
                    () -> new StartupException("schedules need the cluster capability (the leader fires them)"));
            if (jobs.isEmpty()) {
                List<String> declared = ScheduleKeys.ALL.stream().flatMap(k -> ctx.config().getAll(k).keySet().stream())
                        .sorted().toList();
                if (!declared.isEmpty()) {
                    throw new StartupException(declared.getFirst() + " declares a schedule, but this server has no job "
                            + "store to enqueue its jobs in (set store.url, or remove the schedules.* keys)");
                }
                return Optional.empty();
            }
            ScheduleStore store = ScheduleStores.open(ctx.jobStore(), ctx.clock(), cluster.store());
            Optional<Launcher> pipelines = ctx.capability(PipelinesCapability.class)
                    .map(p -> new PipelineLauncher(p.pipelines()));
            return Optional.of(new SchedulesCapability(ctx.config(), ctx.meters(), ctx.clock(), ctx.bodyLimit(),
                    cluster.node(), jobs.get().runtime().client(), pipelines, store));
        }
    }

    private final ClusterNode node;
    private final ScheduleStore store;
    private final Scheduler scheduler;
    private final List<Schedule> declared;
    private final InstantSource clock;
    private final long bodyLimit;
    private final ScheduledExecutorService ticker =
            Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("bulwark-schedules").daemon(true).factory());
    private final ScheduleCounts counts;
    private volatile java.time.Instant lastPass;
    private volatile String lastProblem;

    /**
     * @param node whose leadership decides who fires
     * @param jobs the client the job launcher enqueues through
     * @param store where schedules and firings are kept
     * @throws StartupException naming the key of a bad schedule in config
     */
    SchedulesCapability(BulwarkConfig config, MeterRegistry meters, InstantSource clock, long bodyLimit, ClusterNode node,
                        JobClient jobs, ScheduleStore store) {
        this(config, meters, clock, bodyLimit, node, jobs, Optional.empty(), store);
    }

    /**
     * @param pipelines the launcher of pipeline targets, when the server runs pipelines
     */
    SchedulesCapability(BulwarkConfig config, MeterRegistry meters, InstantSource clock, long bodyLimit, ClusterNode node,
                        JobClient jobs, Optional<Launcher> pipelines, ScheduleStore store) {
        this.node = node;
        this.store = store;
        this.clock = clock;
        this.bodyLimit = bodyLimit;
        this.declared = SchedulesConfig.read(config);
        Scheduler.Builder builder = Scheduler.builder(store).launcher("job", new JobLauncher(jobs)).meters(meters);
        pipelines.ifPresent(l -> builder.launcher("pipeline", l));
        this.scheduler = builder.build();
        this.counts = new ScheduleCounts(scheduler, clock);
        for (String state : List.of("active", "paused")) {
            Gauge.builder("bulwark_scheduler_schedules", counts, c -> c.get(state))
                    .description("Schedules by state: active (ticking) or paused").tag("state", state).register(meters);
        }
        applyConfig();
    }

    /** Writes each config schedule; says which are overridden by a version changed over the API. */
    private void applyConfig() {
        Set<String> names = new HashSet<>();
        for (Schedule s : declared) {
            names.add(s.name());
            ScheduleRow row;
            try {
                row = scheduler.putFromConfig(s);
            } catch (IllegalArgumentException e) {
                throw new StartupException(ScheduleKeys.PREFIX + s.name() + ": " + e.getMessage(), e);
            }
            if (row.source().equals(ScheduleRow.API)) {
                LOG.info("Schedule {} was changed over the API (version {}, {}), so that version runs and {}.* in the "
                        + "config is not applied{}. To run the config's version again: 'bulwark schedules delete {}' (or "
                        + "DELETE /api/v1/schedules/{}) and restart", s.name(), row.version(), row.updatedAt(),
                        ScheduleKeys.PREFIX + s.name(), row.schedule().equals(s) ? " (they are the same now)" : "",
                        s.name(), s.name());
            }
        }
        for (ScheduleRow row : scheduler.list()) {
            if (row.source().equals(ScheduleRow.CONFIG) && !names.contains(row.name())) {
                scheduler.delete(row.name());
                LOG.info("Schedule {} came from the config file, which no longer declares it: deleted with its firings",
                        row.name());
            }
        }
        if (!declared.isEmpty() && !ScheduleStores.durable(store)) {
            LOG.debug("Schedules are kept in memory on this store: changes over the API last until the process exits");
        }
    }

    @Override
    public String name() {
        return "schedules";
    }

    /** The scheduler, for tests and the routes. */
    public Scheduler scheduler() {
        return scheduler;
    }

    @Override
    public void routes(ApiRoutes routes) {
        new ScheduleRoutes(scheduler, bodyLimit).register(routes);
    }

    @Override
    public List<HealthCheck> healthChecks() {
        return List.of(new HealthCheck() {
            @Override
            public String name() {
                return "schedules";
            }

            @Override
            public boolean readiness() {
                return false; // a failing pass delays ticks; it does not make the node unfit for traffic
            }

            @Override
            public HealthResult check() {
                Map<String, Object> d = new LinkedHashMap<>();
                String storeError = null;
                try {
                    Map<String, Long> now = counts.refresh();
                    d.put("active", now.get("active"));
                    d.put("paused", now.get("paused"));
                } catch (RuntimeException e) {
                    storeError = "cannot read schedules: " + e;
                    d.put("storeError", storeError);
                }
                boolean leader = node.isLeader();
                d.put("leader", leader);
                java.time.Instant passed = lastPass;
                if (leader && passed != null) {
                    d.put("lastPassAt", passed.toString());
                }
                String problem = lastProblem;
                if (problem != null) {
                    d.put("lastError", problem);
                }
                if (problem != null || storeError != null) {
                    return HealthResult.degraded(d);
                }
                return HealthResult.up(d);
            }
        });
    }

    @Override
    public void start() {
        ticker.schedule(this::loop, PERIOD.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * A pass, then the next one: on the leader when the earliest next tick comes (at most a
     * period away, so queued firings are released and a new leader takes over promptly), else a
     * period later.
     */
    private void loop() {
        try {
            pass();
        } finally {
            if (!ticker.isShutdown()) {
                try {
                    ticker.schedule(this::loop, untilNextPass().toMillis(), TimeUnit.MILLISECONDS);
                } catch (java.util.concurrent.RejectedExecutionException e) {
                    LOG.debug("Schedules ticker stopped while scheduling its next pass");
                }
            }
        }
    }

    /** How long to wait before the next pass: until the earliest next tick on the leader, within [1 ms, period]. */
    Duration untilNextPass() {
        if (!node.isLeader()) {
            return PERIOD;
        }
        try {
            Duration d = scheduler.untilNextTick().orElse(PERIOD);
            return d.compareTo(PERIOD) > 0 ? PERIOD : d.isZero() ? Duration.ofMillis(1) : d;
        } catch (RuntimeException e) {
            return PERIOD;
        }
    }

    /**
     * One pass, what the ticker runs when the earliest tick is due (a period apart at most): on the leader, fires every due tick. Never
     * throws: losing leadership meanwhile is expected (the new leader fires the tick, once), and any
     * other failure is logged once per distinct message and tried again at the next pass.
     *
     * @return the ticks recorded by state; empty when this node is not the leader or the pass failed
     */
    public Optional<Map<FiringState, Integer>> pass() {
        Optional<io.bulwark.cluster.Term> term = node.term();
        if (term.isEmpty()) {
            return Optional.empty();
        }
        try {
            Map<FiringState, Integer> done = scheduler.runDue(term.get());
            lastPass = clock.instant();
            if (lastProblem != null) {
                LOG.info("Schedules fire again on leader {} (term {}) after: {}", node.id(), term.get().term(), lastProblem);
                lastProblem = null;
            }
            return Optional.of(done);
        } catch (io.bulwark.cluster.store.NotLeaderException e) {
            LOG.debug("Term {} ended during a schedules pass; the new leader fires the due ticks ({})", term.get().term(),
                    e.getMessage());
        } catch (RuntimeException e) {
            String problem = e.toString();
            if (!problem.equals(lastProblem)) {
                LOG.warn("A schedules pass on leader {} failed ({}); no tick is lost: the next pass, in {}, fires what is "
                        + "due and a tick already started is not started twice. Logged again only if the error changes",
                        node.id(), problem, io.bulwark.core.units.Durations.format(PERIOD), e);
            }
            lastProblem = problem;
        }
        return Optional.empty();
    }

    /** Stops firing; a pass under way finishes (it is short: one compare-and-set per due schedule). */
    @Override
    public void stop(Duration grace) {
        ticker.shutdown();
        try {
            if (!ticker.awaitTermination(Math.max(1, Math.min(grace.toMillis(), 5_000)), TimeUnit.MILLISECONDS)) {
                ticker.shutdownNow();
            }
        } catch (InterruptedException e) {
            ticker.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    /** The schedule store shares the job store's database (or is memory): the job store closes it. */
    @Override
    public void close() {
        ticker.shutdownNow();
    }
}
