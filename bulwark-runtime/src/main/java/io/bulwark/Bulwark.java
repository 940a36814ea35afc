package io.bulwark;

import io.bulwark.core.ids.Uuid7;
import io.bulwark.core.state.StateStore;
import io.bulwark.jdbc.JdbcJobStore;
import io.bulwark.jdbc.database.DatabaseJobStore;
import io.bulwark.jdbc.database.DatabaseOptions;
import io.bulwark.jdbc.sqlite.SqliteJobStore;
import io.bulwark.jdbc.sqlite.SqliteOptions;
import io.bulwark.jobs.Handlers;
import io.bulwark.jobs.JobClient;
import io.bulwark.jobs.JobHandler;
import io.bulwark.jobs.QueueRegistry;
import io.bulwark.jobs.QueueSettings;
import io.bulwark.jobs.Worker;
import io.bulwark.jobs.WorkerLoop;
import io.bulwark.jobs.store.JobStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The library's entry point: one builder gives a job client, a worker and the store's runtime
 * state, wired the way {@code bulwark serve} wires them, instead of assembling {@code JobClient},
 * {@code Worker}, {@code Uuid7} and meters by hand.
 *
 * <pre>{@code
 * try (Bulwark bulwark = Bulwark.builder()
 *         .store("jdbc:postgresql://db:5432/app", "bulwark", System.getenv("DB_PASSWORD"))
 *         .handler("send-welcome", Welcome.class, ctx -> mailer.send(ctx.payload()))
 *         .queue("emails", QueueSettings.DEFAULT.withConcurrency(20))
 *         .build()
 *         .start()) {
 *     bulwark.jobs().enqueue(JobRequest.builder("emails", "send-welcome").payload("{\"userId\":42}").build());
 *     ...
 * }
 * }</pre>
 *
 * <h2>Design notes</h2>
 * <ul>
 *   <li>{@link #build()} opens the store (running its migrations) and builds the client and the
 *       worker; nothing runs until {@link #start()}, which drives the worker on the scheduler and
 *       executor given to the builder, or on ones it creates and names then ({@code bulwark-jobs-*}
 *       platform threads, virtual threads for handlers) and shuts down at {@link #close()}.</li>
 *   <li>On PostgreSQL the worker also listens for jobs enqueued by other processes, so an idle
 *       worker starts them at once.</li>
 *   <li>A store passed in ({@link Builder#store(JobStore)}) belongs to the caller and is not closed.</li>
 * </ul>
 */
public final class Bulwark implements AutoCloseable {

    private final JobStore store;
    private final boolean ownsStore;
    private final StateStore state;
    private final JobClient jobs;
    private final Worker worker;
    private final Duration pollInterval;
    private final Duration drainGrace;
    private final ScheduledExecutorService scheduler;
    private final boolean ownsScheduler;
    private final ExecutorService executor;
    private final boolean ownsExecutor;
    private final boolean runWorker;
    private volatile WorkerLoop loop;
    private AutoCloseable listener;

    private Bulwark(Builder b, JobStore store, boolean ownsStore) {
        this.store = store;
        this.ownsStore = ownsStore;
        this.state = store instanceof JdbcJobStore jdbc ? jdbc.state() : StateStore.inMemory(b.clock);
        this.pollInterval = b.pollInterval;
        this.drainGrace = b.drainGrace;
        this.runWorker = b.runWorker;
        this.ownsScheduler = b.scheduler == null;
        this.scheduler = ownsScheduler ? Executors.newScheduledThreadPool(WorkerLoop.schedulerThreads(store),
                Thread.ofPlatform().name("bulwark-jobs-", 0).daemon(true).factory()) : b.scheduler;
        this.ownsExecutor = b.executor == null;
        this.executor = ownsExecutor ? Executors.newVirtualThreadPerTaskExecutor() : b.executor;
        QueueRegistry queues = new QueueRegistry(b.defaults);
        b.queues.forEach(queues::put);
        Handlers handlers = new Handlers();
        b.handlers.forEach(r -> r.registerInto(handlers));
        SecureRandom random = new SecureRandom();
        Worker.Builder wb = Worker.builder(store, handlers).settings(queues).clock(b.clock).random(random)
                .executor(executor).lease(b.lease).meters(b.meters).linger(b.linger)
                .claimAhead(b.claimAhead);
        if (b.node != null) {
            wb.node(b.node);
        }
        this.worker = wb.build();
        b.queues.keySet().forEach(worker::serve);
        this.jobs = new JobClient(store, queues, new Uuid7(b.clock, random), b.meters, q -> {
            worker.serve(q);
            WorkerLoop l = loop;
            if (l != null) {
                l.wake();
            }
        });
    }

    /** A builder with every default: the embedded store in {@code ./data}, a worker, a 500 ms poll. */
    public static Builder builder() {
        return new Builder();
    }

    /** Enqueue, look up, cancel and retry jobs. */
    public JobClient jobs() {
        return jobs;
    }

    /** The worker: which queues it serves, what runs; {@link Worker#drain} on shutdown is done by {@link #close()}. */
    public Worker worker() {
        return worker;
    }

    /** The job store. */
    public JobStore store() {
        return store;
    }

    /** Runtime state kept in the same store (in memory for a store without one). */
    public StateStore state() {
        return state;
    }

    /** Starts the worker (unless the builder said {@code worker(false)}); returns this. Idempotent. */
    public synchronized Bulwark start() {
        if (loop == null && runWorker) {
            WorkerLoop started = WorkerLoop.start(worker, scheduler, pollInterval);
            loop = started;
            if (store instanceof DatabaseJobStore db) {
                listener = db.listen(q -> {
                    worker.serve(q);
                    started.wake();
                }, Thread.ofPlatform().name("bulwark-jobs-listen").daemon(true).factory()).orElse(null);
            }
        }
        return this;
    }

    /**
     * Stops claiming, lets running jobs finish within the drain grace (unfinished ones are given
     * back to run again), stops what this instance started and closes the store it opened.
     */
    @Override
    public synchronized void close() {
        WorkerLoop l = loop;
        if (l != null) {
            l.stop();
        }
        if (listener != null) {
            try {
                listener.close();
            } catch (Exception e) {
                // Closing the listener's own connection; the store closes below anyway.
            }
        }
        try {
            worker.drain(drainGrace);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (ownsScheduler) {
                scheduler.shutdownNow();
            }
            if (ownsExecutor) {
                executor.shutdownNow();
            }
            if (ownsStore) {
                store.close();
            }
        }
    }

    /** Collects the parts; {@link #build()} opens the store. */
    public static final class Builder {
        private String url = "embedded";
        private String user;
        private String password;
        private Path dataDir = Path.of("data");
        private JobStore given;
        private InstantSource clock = InstantSource.system();
        private MeterRegistry meters = new SimpleMeterRegistry();
        private String node;
        private Duration lease = Duration.ofSeconds(30);
        private Duration pollInterval = Duration.ofMillis(500);
        private Duration linger = Worker.DEFAULT_LINGER;
        private boolean claimAhead = true;
        private Duration drainGrace = Duration.ofSeconds(30);
        private Duration agingStep = Duration.ofSeconds(30);
        private QueueSettings defaults = QueueSettings.DEFAULT;
        private final Map<String, QueueSettings> queues = new LinkedHashMap<>();
        private final List<HandlerRegistration<?, ?>> handlers = new ArrayList<>();
        private ScheduledExecutorService scheduler;
        private ExecutorService executor;
        private boolean runWorker = true;

        private Builder() {
        }

        private record HandlerRegistration<P, R>(String type, Class<P> payloadType, JobHandler<P, R> handler) {
            void registerInto(Handlers h) {
                h.register(type, payloadType, handler);
            }
        }

        /**
         * The store: {@code embedded} (SQLite in {@link #dataDir}), {@code jdbc:postgresql://...} or
         * {@code jdbc:mariadb://...}, with credentials from the URL.
         *
         * @throws IllegalArgumentException naming what is accepted
         */
        public Builder store(String url) {
            return store(url, null, null);
        }

        /** A PostgreSQL or MariaDB store with a user and password. */
        public Builder store(String url, String user, String password) {
            Objects.requireNonNull(url, "url must be set");
            if (!url.equals("embedded")) {
                io.bulwark.jdbc.database.Dialect.of(url);
            }
            this.url = url;
            this.user = user;
            this.password = password;
            this.given = null;
            return this;
        }

        /** A store the caller made (and closes), e.g. {@code TestStores.inMemory(clock)} in tests. */
        public Builder store(JobStore store) {
            this.given = Objects.requireNonNull(store, "store must be set");
            return this;
        }

        /** Where the embedded store keeps {@code jobs.db}; {@code ./data} by default. */
        public Builder dataDir(Path dir) {
            this.dataDir = Objects.requireNonNull(dir, "dataDir must be set");
            return this;
        }

        public Builder clock(InstantSource clock) {
            this.clock = Objects.requireNonNull(clock, "clock must be set");
            return this;
        }

        /** Where jobs' metrics go; a {@code SimpleMeterRegistry} by default. */
        public Builder meters(MeterRegistry meters) {
            this.meters = Objects.requireNonNull(meters, "meters must be set");
            return this;
        }

        /** This process's name in job history and leases; hostname and pid by default. */
        public Builder node(String node) {
            this.node = Objects.requireNonNull(node, "node must be set");
            return this;
        }

        /** Registers the handler of a job type; the payload JSON is read into {@code payloadType}. */
        public <P, R> Builder handler(String type, Class<P> payloadType, JobHandler<P, R> handler) {
            handlers.add(new HandlerRegistration<>(type, payloadType, handler));
            return this;
        }

        /** Settings of one queue (concurrency, rate, size, retries...); the worker serves it. */
        public Builder queue(String name, QueueSettings settings) {
            queues.put(Objects.requireNonNull(name, "name must be set"), Objects.requireNonNull(settings, "settings"));
            return this;
        }

        /** Settings of queues not named with {@link #queue}. */
        public Builder queueDefaults(QueueSettings settings) {
            this.defaults = Objects.requireNonNull(settings, "settings must be set");
            return this;
        }

        public Builder lease(Duration lease) {
            if (lease == null || lease.compareTo(Duration.ofSeconds(1)) < 0) {
                throw new IllegalArgumentException("lease must be at least 1s but was " + lease);
            }
            this.lease = lease;
            return this;
        }

        public Builder pollInterval(Duration interval) {
            if (interval == null || interval.compareTo(Duration.ofMillis(10)) < 0) {
                throw new IllegalArgumentException("pollInterval must be at least 10ms but was " + interval);
            }
            this.pollInterval = interval;
            return this;
        }

        /**
         * The longest a turn of the worker waits for attempts about to end so that their outcomes
         * share its commit ({@link Worker.Builder#linger}); 1 ms by default, zero turns it off.
         */
        public Builder linger(Duration max) {
            this.linger = Worker.checkLinger(max);
            return this;
        }

        /**
         * Whether a queue of jobs shorter than a store call claims more than its concurrency, to
         * commit more of them at once ({@link Worker.Builder#claimAhead}); on by default.
         */
        public Builder claimAhead(boolean on) {
            this.claimAhead = on;
            return this;
        }

        /** How long {@link Bulwark#close()} lets running jobs finish; 30 s by default. */
        public Builder drainGrace(Duration grace) {
            if (grace == null || grace.isNegative()) {
                throw new IllegalArgumentException("drainGrace must be >= 0 but was " + grace);
            }
            this.drainGrace = grace;
            return this;
        }

        /** A job that has waited this long counts as one priority level higher; 30 s by default. */
        public Builder priorityAging(Duration step) {
            if (step == null || step.isNegative() || step.isZero()) {
                throw new IllegalArgumentException("priorityAging must be > 0 but was " + step);
            }
            this.agingStep = step;
            return this;
        }

        /** False for a process that only enqueues; no worker runs. */
        public Builder worker(boolean run) {
            this.runWorker = run;
            return this;
        }

        /** The scheduler that drives polling, renewals and rescues; one of its own by default. */
        public Builder scheduler(ScheduledExecutorService scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler must be set");
            return this;
        }

        /** Where handlers run; a virtual thread per job by default. */
        public Builder executor(ExecutorService executor) {
            this.executor = Objects.requireNonNull(executor, "executor must be set");
            return this;
        }

        /**
         * Opens the store (migrating it) and builds the client and the worker; nothing runs yet.
         *
         * @throws io.bulwark.jdbc.StoreException when the store cannot be opened
         */
        public Bulwark build() {
            if (given != null) {
                return new Bulwark(this, given, false);
            }
            JdbcJobStore store = url.equals("embedded")
                    ? SqliteJobStore.open(dataDir, clock, SqliteOptions.builder().agingStep(agingStep).build())
                    : DatabaseJobStore.open(database());
            try {
                return new Bulwark(this, store, true);
            } catch (RuntimeException e) {
                store.close();
                throw e;
            }
        }

        private DatabaseOptions database() {
            DatabaseOptions.Builder b = DatabaseOptions.builder(url).agingStep(agingStep);
            if (user != null) {
                b.user(user);
            }
            if (password != null) {
                b.password(password);
            }
            return b.build();
        }
    }
}
