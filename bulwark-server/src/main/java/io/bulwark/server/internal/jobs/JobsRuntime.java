package io.bulwark.server.internal.jobs;

import io.bulwark.core.http.LazyHttpClient;
import io.bulwark.core.config.BulwarkConfig;
import io.bulwark.core.health.HealthCheck;
import io.bulwark.core.health.HealthResult;
import io.bulwark.core.ids.Uuid7;
import io.bulwark.core.json.Json;
import io.bulwark.jobs.HandlerPlugins;
import io.bulwark.kubernetes.jobs.KubernetesJobs;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.bulwark.jobs.Handlers;
import io.bulwark.jobs.Job;
import io.bulwark.jobs.JobClient;
import io.bulwark.jobs.JobState;
import io.bulwark.jobs.QueueRegistry;
import io.bulwark.jobs.QueueSettings;
import io.bulwark.jobs.Worker;
import io.bulwark.jobs.WorkerLoop;
import io.bulwark.jobs.builtin.BuiltinHandlers;
import io.bulwark.jobs.store.JobStore;
import io.bulwark.jobs.store.QueueCounts;
import io.bulwark.server.JobKeys;
import io.bulwark.server.StartupException;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.http.HttpClient;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The job engine inside the server: store, handlers, queue settings (config, then what was
 * changed over the API), client, worker and its loop, pruning and the store health check.
 */
public final class JobsRuntime {

    private static final Logger LOG = LoggerFactory.getLogger(JobsRuntime.class);

    private final JobStore store;
    private final QueuePersistence persistence;
    private final Handlers handlers = new Handlers();
    private final QueueRegistry queues;
    /** The queues this node serves ({@code jobs.serveQueues}); empty: every queue. */
    private final java.util.Set<String> served;
    /** Whether this node does the fleet's singleton work (pruning): the leader, or always without a fleet. */
    private volatile java.util.function.BooleanSupplier singleton = () -> true;
    private final java.util.concurrent.atomic.AtomicBoolean drained = new java.util.concurrent.atomic.AtomicBoolean();
    private final JobClient client;
    private final io.bulwark.core.tracing.Tracing tracing;
    private final Worker worker;
    private final boolean runWorker;
    private final Duration pollInterval;
    private final Duration retention;
    private final ScheduledExecutorService scheduler;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final AtomicReference<List<QueueCounts>> counts = new AtomicReference<>(List.of());
    private final Throughput throughput = new Throughput();
    private final MeterRegistry meters;
    private final InstantSource clock;
    private WorkerLoop loop;
    private AutoCloseable listener;
    /** The persisted settings last applied, by queue, to see what other nodes changed since. */
    private final Map<String, String> appliedSettings = new java.util.concurrent.ConcurrentHashMap<>();
    /** True while reading queue counts fails, so an outage is logged once, not every second. */
    private volatile boolean countsFailing;

    public JobsRuntime(BulwarkConfig config, JobStore store, QueuePersistence persistence, MeterRegistry meters,
                       InstantSource clock, String node, io.bulwark.jobs.builtin.GroupCalls groups) {
        this(config, store, persistence, meters, clock, node, groups, io.bulwark.core.tracing.Tracing.noop());
    }

    /** With {@code tracing}: enqueues and attempts are spans, and jobs carry their enqueue's trace context. */
    public JobsRuntime(BulwarkConfig config, JobStore store, QueuePersistence persistence, MeterRegistry meters,
                       InstantSource clock, String node, io.bulwark.jobs.builtin.GroupCalls groups,
                       io.bulwark.core.tracing.Tracing tracing) {
        this.store = store;
        this.tracing = tracing;
        this.persistence = persistence;
        this.meters = meters;
        this.clock = clock;
        this.runWorker = config.get(JobKeys.WORKER) && !"api".equals(config.get(io.bulwark.server.ClusterKeys.NODE_ROLE));
        this.served = JobKeys.servedQueues(config);
        this.queues = new QueueRegistry(config.find(JobKeys.CONCURRENCY).map(QueueSettings.DEFAULT::withConcurrency)
                .orElse(QueueSettings.DEFAULT));
        this.pollInterval = config.get(JobKeys.POLL_INTERVAL);
        this.retention = config.get(JobKeys.RETENTION);
        BuiltinHandlers.registerAll(handlers,
                LazyHttpClient.of(() -> HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build()),
                config.get(JobKeys.MAX_RETRY_AFTER), groups);
        // Runs kubernetes-job steps (and jobs of that type); the client is made on first use, from
        // ~/.kube/config or the pod's service account, so a server without a cluster starts as before.
        KubernetesJobs.register(handlers, () -> new KubernetesClientBuilder().build());
        try {
            HandlerPlugins.load(java.nio.file.Path.of(config.get(JobKeys.PLUGINS_DIR)), handlers, getClass().getClassLoader());
        } catch (RuntimeException e) {
            throw new StartupException(e.getMessage() + " (jobs.pluginsDir)", e);
        }
        applyConfig(config);
        syncQueueSettings();
        this.scheduler = Executors.newScheduledThreadPool(WorkerLoop.schedulerThreads(store),
                Thread.ofPlatform().name("bulwark-jobs-", 0).daemon(true).factory());
        SecureRandom random = new SecureRandom();
        this.worker = Worker.builder(store, handlers).settings(queues).node(node).clock(clock).random(random)
                .executor(executor).lease(config.get(JobKeys.LEASE)).linger(config.get(JobKeys.LINGER))
                .claimAhead(config.get(JobKeys.CLAIM_AHEAD))
                .claimBatch(config.get(JobKeys.CLAIM_BATCH)).meters(meters)
                .tracing(tracing).build();
        this.client = new JobClient(store, queues, new Uuid7(clock, random), meters, q -> {
            serve(q);
            if (loop != null) {
                loop.wake();
            }
        }, tracing);
        for (JobState state : JobState.values()) {
            Gauge.builder("bulwark.jobs.depth", counts, c -> c.get().stream().mapToLong(q -> q.count(state)).sum())
                    .tag("state", state.id()).description("Jobs in each state, all queues").register(meters);
        }
        Gauge.builder("bulwark.jobs.inflight", worker, Worker::running).description("Attempts running on this node")
                .register(meters);
    }

    /**
     * Applies queue settings persisted in the store that changed since this node last looked: at
     * start, then every second on a shared store, so a queue paused or changed over the API of any
     * node is paused or changed on every node.
     */
    private void syncQueueSettings() {
        persistence.load().forEach((name, json) -> {
            if (json.equals(appliedSettings.get(name))) {
                return;
            }
            try {
                QueueView v = Json.mapper().readValue(json, QueueView.class);
                queues.put(name, v.applyTo(queues.get(name), new java.util.ArrayList<>()));
                appliedSettings.put(name, json);
            } catch (Exception e) {
                LOG.warn("Ignoring unreadable persisted settings of queue {}; it uses its configured settings", name, e);
                appliedSettings.put(name, json);
            }
        });
    }

    /**
     * The {@code jobs.queues.<name>.<field>} keys, each applied as the same field of a queue's
     * {@link QueueView} (the keys' last segments are its field names), over the defaults.
     */
    private void applyConfig(BulwarkConfig config) {
        Map<String, com.fasterxml.jackson.databind.node.ObjectNode> views = new LinkedHashMap<>();
        for (io.bulwark.core.config.ConfigKey<?> key : JobKeys.QUEUE_KEYS) {
            config.getAll(key).forEach((k, v) -> views.computeIfAbsent(queue(k), q -> Json.mapper().createObjectNode())
                    .set(k.substring(k.lastIndexOf('.') + 1), Json.mapper().valueToTree(
                            v instanceof java.time.Duration d ? io.bulwark.core.units.Durations.format(d) : v)));
        }
        views.forEach((name, v) -> queues.put(name, Json.mapper().convertValue(v, QueueView.class)
                .applyTo(QueueSettings.DEFAULT, new java.util.ArrayList<>())));
    }

    private static String queue(String key) {
        return key.split("\\.")[2];
    }

    /** Starts the worker loop (unless {@code jobs.worker} is false), pruning and count sampling. */
    public void start() {
        refreshCounts();
        queues.configured().keySet().forEach(this::serve);
        counts.get().forEach(c -> serve(c.queue()));
        serve("default");
        served.forEach(worker::serve);
        if (runWorker) {
            loop = WorkerLoop.start(worker, scheduler, pollInterval);
            if (store instanceof io.bulwark.jdbc.database.DatabaseJobStore db) {
                // PostgreSQL tells this node within milliseconds when any node enqueues or retries a job.
                listener = db.listen(q -> {
                    if (!worker.queues().contains(q)) {
                        syncQueueSettings(); // a queue new to this node may have been paused elsewhere
                        serve(q);
                    }
                    loop.wake();
                }, Thread.ofPlatform().name("bulwark-jobs-listen").daemon(true).factory()).orElse(null);
            }
        }
        scheduler.scheduleWithFixedDelay(this::refreshCounts, 1, 1, TimeUnit.SECONDS);
        scheduler.scheduleWithFixedDelay(this::prune, 10, 60, TimeUnit.SECONDS);
    }

    private void refreshCounts() {
        Instant now = clock.instant();
        for (String q : worker.queues()) {
            throughput.sample(q, now, meters.find("bulwark.jobs.completed").tag("queue", q).counters().stream()
                    .mapToDouble(io.micrometer.core.instrument.Counter::count).sum());
        }
        try {
            counts.set(store.counts());
            if (store instanceof io.bulwark.jdbc.database.DatabaseJobStore) {
                syncQueueSettings();
                counts.get().forEach(c -> serve(c.queue()));
            }
            if (countsFailing) {
                countsFailing = false;
                LOG.info("Reading queue counts from the store works again");
            }
        } catch (RuntimeException e) {
            if (!countsFailing) {
                countsFailing = true;
                LOG.warn("Cannot read queue counts from the store ({}); metrics and /api/v1/queues show the last known "
                        + "counts until it works again", e.getMessage());
            }
        }
    }

    /** Serves {@code queue} on this node unless {@code jobs.serveQueues} leaves it out. */
    public void serveIfAllowed(String queue) {
        serve(queue);
    }

    private void serve(String queue) {
        if (served.isEmpty() || served.contains(queue)) {
            worker.serve(queue);
        }
    }

    /** Makes pruning leader-only: {@code leader} says whether this node leads the fleet now. */
    public void singletonWhen(java.util.function.BooleanSupplier leader) {
        this.singleton = leader;
    }

    private void prune() {
        if (!singleton.getAsBoolean()) {
            return;
        }
        try {
            Instant before = store.now().minus(retention);
            int n;
            int total = 0;
            do {
                n = store.prune(before, 1000);
                total += n;
            } while (n == 1000);
            if (total > 0) {
                LOG.info("Pruned {} jobs that finished before {} (jobs.retention)", total, before);
            }
        } catch (RuntimeException e) {
            LOG.warn("Pruning finished jobs failed; it runs again in a minute", e);
        }
    }

    /** Stops claiming and drains running attempts within {@code grace}, then closes the store. */
    public void stop(Duration grace) {
        drain(grace);
        scheduler.shutdownNow();
        executor.shutdownNow();
        store.close();
    }

    /** True once {@link #drain} began: this node claims nothing more. */
    public boolean draining() {
        return drained.get();
    }

    /**
     * Stops claiming, then lets running attempts finish within {@code grace} and gives back those
     * still running after it (available at once elsewhere). The store stays open. Runs once.
     */
    public void drain(Duration grace) {
        if (!drained.compareAndSet(false, true)) {
            return;
        }
        if (loop != null) {
            loop.stop();
        }
        if (listener != null) {
            try {
                listener.close();
            } catch (Exception e) {
                LOG.debug("Closing the wake-up listener failed; the store closes its connection anyway", e);
            }
        }
        try {
            worker.drain(grace);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.warn("Could not record the last outcomes while draining; those jobs run again after their lease expires", e);
        }
    }

    /** The readiness check of the store, with queue lag in its details. */
    public HealthCheck storeCheck() {
        return HealthCheck.of("store", () -> {
            List<QueueCounts> now = store.counts();
            counts.set(now);
            Instant t = store.now();
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("kind", store.getClass().getSimpleName());
            long lag = now.stream().map(QueueCounts::oldestAvailableRunAt).filter(java.util.Objects::nonNull)
                    .mapToLong(a -> Math.max(0, Duration.between(a, t).toMillis())).max().orElse(0);
            details.put("queueLagMs", lag);
            details.put("queues", now.size());
            return HealthResult.up(details);
        });
    }

    /** Cancels a job, stopping it at once when it runs on this node. */
    public Optional<Job> cancel(UUID id) {
        Optional<Job> job = client.cancel(id);
        job.filter(j -> j.state() == JobState.RUNNING).ifPresent(j -> worker.cancelLocal(id));
        return job;
    }

    /** Changes a queue's settings and persists them. */
    public void putQueue(String name, QueueSettings s) {
        queues.put(name, s);
        serve(name);
        try {
            String json = Json.mapper().writeValueAsString(QueueView.of(s));
            persistence.save(name, json);
            appliedSettings.put(name, json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        if (loop != null) {
            loop.wake();
        }
    }

    public JobStore store() {
        return store;
    }

    /** The tracing its client and worker use. */
    public io.bulwark.core.tracing.Tracing tracing() {
        return tracing;
    }

    /**
     * How many attempts this node runs at once at most, as it reports to the fleet: the sum of the
     * concurrency of the queues it serves now; 0 when it runs no worker.
     */
    public int capacity() {
        if (!runWorker) {
            return 0;
        }
        java.util.Set<String> names = served.isEmpty() ? java.util.Set.of("default") : served;
        long sum = names.stream().mapToLong(q -> queues.get(q).concurrency()).sum();
        return (int) Math.min(Integer.MAX_VALUE, sum);
    }

    public Handlers handlers() {
        return handlers;
    }

    public JobClient client() {
        return client;
    }

    public QueueRegistry queues() {
        return queues;
    }

    public Worker worker() {
        return worker;
    }

    /** Jobs of {@code queue} completed per second on this node over the last minute. */
    public double completedPerSecond(String queue) {
        return throughput.perSecond(queue);
    }

    /** The counts sampled most recently (at most a second old). */
    public List<QueueCounts> counts() {
        return counts.get();
    }
}
