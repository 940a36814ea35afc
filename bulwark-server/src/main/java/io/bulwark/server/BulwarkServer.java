package io.bulwark.server;

import io.bulwark.core.BulwarkVersion;
import io.bulwark.core.config.BulwarkConfig;
import io.bulwark.core.config.Secret;
import io.bulwark.core.features.FeatureFlags;
import io.bulwark.core.health.DiskSpaceHealthCheck;
import io.bulwark.core.health.HealthCheck;
import io.bulwark.core.health.HealthChecks;
import io.bulwark.core.health.MemoryHealthCheck;
import io.bulwark.core.json.Json;
import io.bulwark.core.units.Durations;
import io.bulwark.server.auth.ApiKeyStore;
import io.bulwark.server.auth.KeyFileException;
import io.bulwark.server.http.ApiException;
import io.bulwark.server.http.ApiRoutes;
import io.bulwark.server.http.JsonBodies;
import io.bulwark.jobs.store.JobStore;
import io.bulwark.server.capability.Capabilities;
import io.bulwark.server.capability.Capability;
import io.bulwark.server.capability.ServerContext;
import io.bulwark.server.internal.DataDirHealthCheck;
import io.bulwark.jdbc.JdbcJobStore;
import io.bulwark.server.internal.store.ConfiguredStore;
import io.bulwark.server.internal.OwnerOnly;
import io.bulwark.server.internal.ServeLock;
import io.bulwark.server.internal.auth.AdminKeyStrength;
import io.bulwark.server.internal.auth.LogRedaction;
import io.bulwark.server.internal.jobs.QueuePersistence;
import io.bulwark.core.state.StateStore;
import io.bulwark.server.internal.http.AccessFilter;
import io.bulwark.server.internal.http.Authenticator;
import io.bulwark.server.internal.http.HangUpConnector;
import io.bulwark.server.internal.http.JettyProblems;
import io.bulwark.server.internal.http.OpenAccess;
import io.bulwark.server.internal.http.ProblemRenderer;
import io.bulwark.server.internal.http.RequestObserver;
import io.bulwark.server.internal.http.RouteAccess;
import io.bulwark.core.state.StateStore;
import io.bulwark.server.internal.openapi.ApiDocsRoutes;
import io.bulwark.server.internal.openapi.OpenApiDocument;
import io.bulwark.server.internal.routes.HealthRoutes;
import io.bulwark.server.internal.routes.KeyRoutes;
import io.bulwark.server.internal.routes.ServerRoutes;
import io.bulwark.server.internal.routes.WhoAmIRoutes;
import io.bulwark.server.internal.ui.UiAssets;
import io.bulwark.server.internal.ui.UiRoutes;
import io.bulwark.server.internal.ui.UiSessions;
import io.javalin.Javalin;
import io.javalin.http.HttpResponseException;
import io.javalin.json.JavalinJackson;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmInfoMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The Bulwark server: the HTTP API, health, metrics and auth over the library modules.
 *
 * <h2>Design notes</h2>
 * <ul>
 *   <li>Requests run on virtual threads (Javalin's Jetty 12 pool).</li>
 *   <li>Shutdown is in steps so that no accepted request is cut off: readiness turns 503 at
 *       once; after {@code server.shutdown.drainDelay} Jetty's graceful stop closes the
 *       listening socket and its {@link GracefulHandler} waits up to
 *       {@code server.shutdown.grace} for in-flight requests, responses flushed included.</li>
 *   <li>Refusals that depend on config (a public bind without keys, prod without keys) are
 *       {@link StartupException}s, which the CLI turns into exit code 2.</li>
 * </ul>
 *
 * <pre>{@code
 * BulwarkConfig config = ConfigLoader.load(ServerKeys.schema(), inputs);
 * try (BulwarkServer server = BulwarkServer.builder(config).build().start()) {
 *     server.awaitShutdown();
 * }
 * }</pre>
 */
public final class BulwarkServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BulwarkServer.class);

    /** The buffer Javalin copies a response through, in bytes (see {@link #start()}). */
    private static final int RESPONSE_COPY_BUFFER = 4096;

    private final BulwarkConfig config;
    private final InstantSource clock;
    private final Path dataDir;
    private final PrometheusMeterRegistry meters;
    private final HealthChecks health;
    private final ExecutorService healthExecutor = Executors.newVirtualThreadPerTaskExecutor();
    private final ApiKeyStore keys;
    private final Authenticator authenticator;
    private final UiSessions uiSessions;
    private final GracefulHandler graceful = new GracefulHandler();
    private final AtomicBoolean shuttingDown = new AtomicBoolean();
    /** Set once every capability has started: readiness answers 503 until then, though the port answers earlier. */
    private final AtomicBoolean started = new AtomicBoolean();
    private final java.util.concurrent.CountDownLatch stopped = new java.util.concurrent.CountDownLatch(1);
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final boolean loopback;
    private final StateStore state;
    /** Every capability, in the order they were made; the server composes them and knows none by name. */
    private final List<Capability> capabilities;
    private final RouteAccess routeAccess = new RouteAccess(() -> this.app.unsafe.internalRouter);
    private final ServeLock serveLock;
    private final ServerContext.NodeIdentity identity;
    /** Traces of requests (a server span each) and of what they start; a no-op unless otel.enabled. */
    private final io.bulwark.core.tracing.Tracing tracing;
    private Javalin app;
    private Instant startedAt;
    /** Built from the route table before the server listens; served as JSON once the URI is known. */
    private volatile OpenApiDocument openApi;
    private final AtomicReference<byte[]> openApiJson = new AtomicReference<>();

    /** Builds a server; nothing listens until {@link #start()}. */
    public static Builder builder(BulwarkConfig config) {
        return new Builder(config);
    }

    /** Collects what the server is made of. */
    public static final class Builder {
        private final BulwarkConfig config;
        private InstantSource clock = InstantSource.system();
        private final List<HealthCheck> checks = new ArrayList<>();
        private JobStore jobStore;
        private QueuePersistence queuePersistence = QueuePersistence.none();
        private StateStore stateStore;
        private ServeLock serveLock;
        private ServerContext.ClusterStores clusterStores;

        private Builder(BulwarkConfig config) {
            this.config = config;
        }

        /** The clock for timestamps and uptime; the system clock by default. */
        public Builder clock(InstantSource clock) {
            this.clock = clock;
            return this;
        }

        /**
         * The job store; the server then runs the job engine and serves {@code /api/v1/jobs} and
         * {@code /api/v1/queues}. The server closes it when it stops.
         */
        public Builder jobStore(JobStore store, QueuePersistence persistence) {
            this.jobStore = store;
            this.queuePersistence = persistence;
            return this;
        }

        /**
         * The store that {@code store.url} names, with queue settings and runtime state kept in it:
         * the embedded SQLite store in the data directory ({@code jobs.db}) by default, or a
         * PostgreSQL or MariaDB database shared by a fleet. What {@code bulwark serve} runs on.
         *
         * @throws StartupException when the database cannot be reached, opened or migrated
         */
        public Builder configuredStore() {
            // Locked before the store opens, so that a second server never touches the data directory.
            serveLock = lockDataDir(config);
            JdbcJobStore store;
            try {
                store = ConfiguredStore.open(config, clock);
            } catch (RuntimeException e) {
                serveLock.close();
                throw e;
            }
            stateStore(store.state());
            clusterStores(store.cluster(), store.locks());
            return jobStore(store, QueuePersistence.of(store::allQueueSettings, store::saveQueueSettings));
        }

        /**
         * Where runtime state is kept (settings changed over the API, breaker and degradation
         * history); the embedded job store's by default with {@link #configuredStore()}, else in memory.
         */
        public Builder stateStore(StateStore state) {
            this.stateStore = state;
            return this;
        }

        /**
         * The fleet's node and lock stores; {@link #configuredStore()} sets them from the job store.
         * Without them the server is a fleet of one, kept in memory.
         */
        public Builder clusterStores(io.bulwark.cluster.store.ClusterStore nodes, io.bulwark.cluster.store.LockStore locks) {
            this.clusterStores = new ServerContext.ClusterStores(nodes, locks);
            return this;
        }

        /** Adds a health check besides the built-in ones (store, diskSpace, memory). */
        public Builder healthCheck(HealthCheck check) {
            checks.add(check);
            return this;
        }

        /**
         * Builds the server.
         *
         * @throws StartupException when the data directory is unusable or auth is misconfigured
         */
        public BulwarkServer build() {
            ServeLock lock = serveLock != null ? serveLock : lockDataDir(config);
            try {
                return new BulwarkServer(this, lock);
            } catch (RuntimeException e) {
                // A refused start must not keep the directory locked or the job store's writer running.
                lock.close();
                if (jobStore != null) {
                    jobStore.close();
                }
                throw e;
            }
        }
    }

    private BulwarkServer(Builder b, ServeLock serveLock) {
        this.config = b.config;
        this.clock = b.clock;
        this.dataDir = Path.of(config.get(ServerKeys.DATA_DIR)).toAbsolutePath().normalize();
        this.serveLock = serveLock;
        try {
            this.keys = ApiKeyStore.open(dataDir, clock);
        } catch (KeyFileException e) {
            throw new StartupException(e.getMessage() + ". The API fails closed: restore the file from a backup, or move "
                    + "it away and create a key with 'bulwark keys create --role admin --name admin --data-dir " + dataDir
                    + "'.", e);
        }
        String host = config.get(ServerKeys.HOST);
        this.loopback = isLoopback(host);
        Optional<Secret> adminKey = config.find(ServerKeys.AUTH_ADMIN_KEY);
        adminKey.flatMap(k -> AdminKeyStrength.problem(k.reveal(), config.profile())).ifPresent(problem -> {
            throw new StartupException(problem);
        });
        if (adminKey.isPresent()) {
            keys.seal("auth.adminKey configured");
        }
        LogRedaction.register(config);
        OpenAccess openAccess = OpenAccess.from(config, loopback);
        boolean anyKey = adminKey.isPresent() || !keys.isEmpty();
        boolean apiServed = !"worker".equals(config.get(ClusterKeys.NODE_ROLE));
        if (!loopback && !anyKey && apiServed) {
            throw new StartupException("refusing to bind to " + host + " (server.host) without API keys: a non-loopback "
                    + "address would expose an open API. Create a key with 'bulwark keys create --role admin --name admin "
                    + "--data-dir " + dataDir + "', set auth.adminKey, or bind to 127.0.0.1.");
        }
        if (config.get(ServerKeys.AUTH_REQUIRED) && !anyKey) {
            throw new StartupException("auth.required is true (profile " + config.profile().id() + ") but no API key "
                    + "exists. Create one with 'bulwark keys create --role admin --name admin --data-dir " + dataDir
                    + "' or set auth.adminKey.");
        }
        if (openAccess.keyRequired(keys) && !anyKey) {
            throw new StartupException("the data directory " + dataDir + " has had API keys (" + ApiKeyStore.SEAL_FILE
                    + "), so its API stays closed although no key exists now. Create one with 'bulwark keys create "
                    + "--role admin --name admin --data-dir " + dataDir + "', set auth.adminKey, or open the API on "
                    + "purpose by setting auth.required=false.");
        }
        if (openAccess.reopenedOnPurpose(keys) && !anyKey) {
            LOG.warn("auth.required=false is set explicitly ({}) on a data directory that has had API keys: the API is "
                    + "open to anyone who reaches {} while no key exists", openAccess.origin(), host);
        }
        if (config.get(ServerKeys.HEALTH_DISK_WARN_FREE).compareTo(config.get(ServerKeys.HEALTH_DISK_MIN_FREE)) < 0) {
            throw new StartupException("health.disk.warnFree (" + config.get(ServerKeys.HEALTH_DISK_WARN_FREE)
                    + ") must be at least health.disk.minFree (" + config.get(ServerKeys.HEALTH_DISK_MIN_FREE) + ")");
        }
        // With traces on, counters and histograms keep exemplars: the trace of a request they counted.
        this.meters = config.get(TracingKeys.ENABLED)
                ? new PrometheusMeterRegistry(PrometheusConfig.DEFAULT, new io.prometheus.metrics.model.registry.PrometheusRegistry(),
                        io.micrometer.core.instrument.Clock.SYSTEM, new io.bulwark.server.internal.tracing.TraceExemplars())
                : new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        configureMeterNames(meters);
        this.authenticator = new Authenticator(keys, adminKey, openAccess, meters);
        this.uiSessions = new UiSessions(keys, adminKey, authenticator, config.get(ServerKeys.AUTH_UI_SESSION_TTL), clock,
                meters);
        this.health = new HealthChecks(healthExecutor, config.get(ServerKeys.HEALTH_TIMEOUT), System::nanoTime);

        this.state = b.stateStore != null ? b.stateStore : StateStore.inMemory(clock);
        this.identity = identity(config);
        if (identity.role() == io.bulwark.cluster.NodeRole.WORKER && b.jobStore == null) {
            throw new StartupException("node.role=worker needs a job store to run jobs from (store.url)");
        }
        ServerContext context = new ServerContext(config, meters, clock, state, identity,
                config.get(ServerKeys.MAX_REQUEST_BODY).bytes(), b.jobStore, b.queuePersistence, b.clusterStores,
                () -> Thread.ofPlatform().name("bulwark-shutdown").start(this::shutdown));
        this.capabilities = Capabilities.make(context);
        this.tracing = context.tracing();
        if (b.jobStore == null) {
            health.register(new DataDirHealthCheck(dataDir));
        }
        capabilities.forEach(c -> c.healthChecks().forEach(health::register));
        health.register(new DiskSpaceHealthCheck(dataDir, config.get(ServerKeys.HEALTH_DISK_MIN_FREE),
                config.get(ServerKeys.HEALTH_DISK_WARN_FREE)));
        health.register(new MemoryHealthCheck(config.get(ServerKeys.HEALTH_MEMORY_WARN_PERCENT)));
        b.checks.forEach(health::register);
    }

    /**
     * Starts listening.
     *
     * @throws StartupException when the port cannot be bound
     */
    public BulwarkServer start() {
        bindMetrics();
        long bodyLimit = config.get(ServerKeys.MAX_REQUEST_BODY).bytes();
        RequestObserver observer = new RequestObserver(meters, config.get(ServerKeys.LOG_ACCESS), tracing);
        HealthRoutes healthRoutes = new HealthRoutes(health, started::get, shuttingDown::get, meters,
                ctx -> authenticator.identify(ctx).isPresent());
        startedAt = clock.instant();
        FeatureFlags features = FeatureFlags.from(config);
        AccessFilter access = new AccessFilter(routeAccess, authenticator, uiSessions::check);
        app = Javalin.create(c -> {
            c.startup.showJavalinBanner = false;
            c.startup.showOldJavalinVersionWarning = false;
            c.concurrency.useVirtualThreads = true;
            c.http.maxRequestSize = bodyLimit;
            // Javalin copies each response through a buffer of this size, allocated afresh per
            // response; its default, Jetty's 32 KB output buffer, was 13% of a small request's
            // allocation. Jetty still gathers the copies in its own output buffer.
            c.http.responseBufferSize = RESPONSE_COPY_BUFFER;
            c.jsonMapper(new JavalinJackson(Json.mapper(), true));
            // Javalin's own connector, but with connections the gateway's queue can watch for a
            // caller's hang-up (HangUpConnector).
            c.jetty.addConnector((server, http) -> HangUpConnector.of(server, http, config.get(ServerKeys.HOST),
                    config.get(ServerKeys.PORT)));
            // Javalin attaches its servlet context inside a handler set here, so every request
            // passes through the GracefulHandler that Server.stop() waits on.
            c.jetty.modifyServer(server -> {
                // Idle keep-alive connections are closed this soon once shutdown begins; requests
                // in flight are waited for up to the grace period regardless.
                graceful.setShutdownIdleTimeout(100);
                server.setHandler(graceful);
                server.setStopTimeout(config.get(ServerKeys.SHUTDOWN_GRACE).toMillis());
                server.setErrorHandler(JettyProblems.server());
            });
            c.jetty.modifyServletContextHandler(context -> context.setErrorHandler(JettyProblems.context()));
            c.requestLogger.http(observer::end);
            c.routes.before(observer::begin);
            c.routes.before(ctx -> {
                long declared = ctx.req().getContentLengthLong();
                if (declared > bodyLimit) {
                    throw JsonBodies.tooLarge(declared, bodyLimit);
                }
            });
            c.routes.before(io.bulwark.server.internal.ui.CrossSiteRequests::refuse);
            c.routes.before(access::before);
            c.routes.beforeMatched(access::beforeMatched);
            if (servesApi()) {
                capabilities.forEach(cap -> cap.filters(c.routes));
            }
            c.routes.exception(ApiException.class, ProblemRenderer::api);
            c.routes.exception(UiSessions.LoginRequired.class, (e, ctx) -> e.redirect(ctx));
            c.routes.exception(KeyFileException.class, (e, ctx) -> ProblemRenderer.api(Authenticator.keyFileProblem(e), ctx));
            c.routes.exception(HttpResponseException.class, ProblemRenderer::javalin);
            c.routes.exception(io.bulwark.jdbc.StoreException.class, ProblemRenderer::store);
            c.routes.exception(Exception.class, ProblemRenderer::unexpected);
            c.routes.error(404, ctx -> {
                if (ctx.result() == null || ctx.result().isEmpty()) {
                    ProblemRenderer.javalin(new io.javalin.http.NotFoundResponse(), ctx);
                }
            });
            ApiRoutes routes = new ApiRoutes(c.routes);
            healthRoutes.register(routes);
            // A worker node serves no API: only /health/* and /metrics, so Kubernetes can probe it.
            if (servesApi()) {
                new KeyRoutes(keys, bodyLimit).register(routes);
                new ServerRoutes(config, features, clock, startedAt, bodyLimit).register(routes);
                new ApiDocsRoutes(this::openApiJson).register(routes);
                new WhoAmIRoutes(authenticator).register(routes);
                new UiRoutes(UiAssets::load).register(routes);
                uiSessions.register(routes);
                capabilities.forEach(cap -> cap.routes(routes));
            }
        });
        routeAccess.table(); // throws when a route declares no access
        // Throws when a route carries no RouteDoc or its documentation cannot be written as OpenAPI.
        openApi = OpenApiDocument.of(routeAccess.documented(), BulwarkVersion.get());
        // Javalin logs "Failed to start Javalin" with a stack trace before it rethrows; the
        // StartupException below says it once, in one line, so its logger is quiet meanwhile.
        ch.qos.logback.classic.Logger javalinLog = LoggerFactory.getLogger("io.javalin.Javalin")
                instanceof ch.qos.logback.classic.Logger l ? l : null;
        ch.qos.logback.classic.Level javalinLevel = javalinLog == null ? null : javalinLog.getLevel();
        if (javalinLog != null) {
            javalinLog.setLevel(ch.qos.logback.classic.Level.OFF);
        }
        try {
            app.start();
        } catch (RuntimeException e) {
            closeQuietly();
            throw new StartupException("cannot listen on " + config.get(ServerKeys.HOST) + ":" + config.get(ServerKeys.PORT)
                    + " (server.host, server.port): " + rootMessage(e), e);
        } finally {
            if (javalinLog != null) {
                javalinLog.setLevel(javalinLevel);
            }
        }
        capabilities.forEach(Capability::start);
        started.set(true);
        for (HealthCheck check : health.checks()) {
            Gauge.builder("bulwark.health.status", healthRoutes,
                            r -> r.lastReport().checks().stream().filter(c -> c.name().equals(check.name())).findFirst()
                                    .map(c -> HealthRoutes.gaugeValue(c.status())).orElse(0.0))
                    .tag("check", check.name())
                    .description("Last result of each health check: 1 up, 0.5 degraded, 0 down")
                    .register(meters);
        }
        LOG.info("Bulwark {} ready on {} as node {} ({}; profile {}, data {})", BulwarkVersion.get(), uri(), identity.id(),
                identity.role().id(), config.profile().id(), dataDir);
        if (authenticator.isOpen() && servesApi()) {
            LOG.warn("The API is open: no API keys exist and the server is bound to loopback. Create a key with "
                    + "'bulwark keys create --role admin --name admin' to require keys.");
        }
        return this;
    }

    private static void configureMeterNames(PrometheusMeterRegistry meters) {
        // Micrometer's names for these two fail `promtool check metrics` (an abbreviated unit,
        // a gauge ending in _count); Prometheus' own name for CPU time replaces the first.
        meters.config().meterFilter(MeterFilter.deny(id -> id.getName().equals("process.cpu.time")));
        meters.config().meterFilter(new MeterFilter() {
            @Override
            public Meter.Id map(Meter.Id id) {
                return id.getName().equals("system.cpu.count") ? id.withName("system.cpu.logical.processors") : id;
            }
        });
    }

    private void bindMetrics() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            FunctionCounter.builder("process.cpu", os, o -> o.getProcessCpuTime() / 1e9).baseUnit("seconds")
                    .description("CPU time used by the process").register(meters);
        }
        new ClassLoaderMetrics().bindTo(meters);
        new JvmMemoryMetrics().bindTo(meters);
        JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(meters);
        closeables.add(gc);
        new JvmThreadMetrics().bindTo(meters);
        new JvmInfoMetrics().bindTo(meters);
        new ProcessorMetrics().bindTo(meters);
        new UptimeMetrics().bindTo(meters);
        new FileDescriptorMetrics().bindTo(meters);
        Gauge.builder("bulwark.build.info", () -> 1).tag("version", BulwarkVersion.get())
                .description("The running Bulwark version").register(meters);
        Gauge.builder("bulwark.http.inflight.requests", graceful, GracefulHandler::getCurrentRequestCount)
                .description("HTTP requests being served").register(meters);
    }

    /** The port the server listens on (the chosen one when {@code server.port} is 0). */
    public int port() {
        return app.port();
    }

    /** The base URI, e.g. {@code http://127.0.0.1:8080}. */
    public URI uri() {
        String host = config.get(ServerKeys.HOST);
        String shown = host.contains(":") ? "[" + host + "]" : host;
        return URI.create("http://" + shown + ":" + port());
    }

    /** The OpenAPI document as JSON, made on the first request (the server's URI is known by then) and kept. */
    private byte[] openApiJson() {
        byte[] json = openApiJson.get();
        if (json == null) {
            openApiJson.compareAndSet(null, openApi.json(uri()));
            json = openApiJson.get();
        }
        return json;
    }

    /** Every route with the access it needs, for the auth tests. */
    List<RouteAccess.Route> routeTable() {
        return routeAccess.table();
    }

    /** Every route with its access and documentation, for the parameter tests. */
    List<RouteAccess.DocumentedRoute> documentedRoutes() {
        return routeAccess.documented();
    }

    /** The health checks, so modules can add theirs before start. */
    public HealthChecks health() {
        return health;
    }

    /** The meter registry Bulwark's metrics go to. */
    public PrometheusMeterRegistry meters() {
        return meters;
    }

    /** True once shutdown has begun. */
    public boolean isShuttingDown() {
        return shuttingDown.get();
    }

    /**
     * Stops gracefully: readiness 503 at once, then the drain delay, then no new connections,
     * then up to the grace period for in-flight requests. Safe to call more than once.
     */
    public void shutdown() {
        if (!shuttingDown.compareAndSet(false, true)) {
            awaitStopped();
            return;
        }
        Duration drain = config.get(ServerKeys.SHUTDOWN_DRAIN_DELAY);
        Duration grace = config.get(ServerKeys.SHUTDOWN_GRACE);
        LOG.info("Shutting down: readiness now answers 503; accepting connections for {} more, then waiting up to {} "
                + "for {} in-flight requests", Durations.format(drain), Durations.format(grace),
                graceful.getCurrentRequestCount());
        try {
            Thread.sleep(drain.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.warn("Interrupted while draining; stopping now");
        } finally {
            closeQuietly();
            LOG.info("Bulwark stopped");
            stopped.countDown();
        }
    }

    /** Blocks until {@link #shutdown()} has finished. */
    public void awaitStopped() {
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Where runtime state is kept: the embedded store's tables, or memory. */
    public StateStore stateStore() {
        return state;
    }

    @Override
    public void close() {
        shutdown();
    }

    private void closeQuietly() {
        if (app != null) {
            try {
                app.stop();
                long left = graceful.getCurrentRequestCount();
                if (left > 0) {
                    LOG.warn("{} requests were still in flight after the grace period ({}); their clients saw the "
                            + "connection close", left, Durations.format(config.get(ServerKeys.SHUTDOWN_GRACE)));
                }
            } catch (RuntimeException e) {
                LOG.warn("Error while stopping the HTTP server; the process exits anyway", e);
            }
        }
        // After the HTTP server, so that no request reaches a stopping capability; the last made
        // stops first, so jobs drain while the provider groups they call still work.
        Duration grace = config.get(ServerKeys.SHUTDOWN_GRACE);
        for (int i = capabilities.size() - 1; i >= 0; i--) {
            Capability cap = capabilities.get(i);
            try {
                cap.stop(grace);
            } catch (RuntimeException e) {
                LOG.warn("Stopping {} failed; shutdown goes on", cap.name(), e);
            }
        }
        Capabilities.closeAll(capabilities);
        healthExecutor.shutdownNow();
        for (AutoCloseable c : closeables) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.debug("Error while closing {}", c, e);
            }
        }
        meters.close();
        serveLock.close();
    }

    /**
     * Creates the data directory (0700) when needed and takes its {@link ServeLock}.
     *
     * @throws StartupException when the directory is unusable or another server holds it
     */
    private static ServeLock lockDataDir(BulwarkConfig config) {
        Path dir = Path.of(config.get(ServerKeys.DATA_DIR)).toAbsolutePath().normalize();
        try {
            OwnerOnly.createDirectories(dir);
        } catch (IOException e) {
            throw new StartupException("cannot create the data directory " + dir + " (data.dir): " + e.getMessage(), e);
        }
        if (!Files.isWritable(dir)) {
            throw new StartupException("the data directory " + dir + " (data.dir) is not writable");
        }
        if (OwnerOnly.isOpenToOthers(dir)) {
            LOG.warn("The data directory {} (data.dir) is open to other users; it holds key hashes and job payloads. "
                    + "Restrict it with 'chmod 700 {}'", dir, dir);
        }
        return ServeLock.acquire(dir);
    }

    private boolean servesApi() {
        return identity.role() != io.bulwark.cluster.NodeRole.WORKER;
    }

    /** This node's id, name and role. */
    public ServerContext.NodeIdentity identity() {
        return identity;
    }

    /**
     * This node's identity: its name ({@code node.name}, else the host name and the process id), an
     * id unique to this run (the name and six random hex digits, so a restarted process never
     * inherits the jobs or the death of its previous run), and its role.
     */
    private static ServerContext.NodeIdentity identity(BulwarkConfig config) {
        String name = config.get(ClusterKeys.NODE_NAME);
        if (name.isEmpty()) {
            String host;
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException e) {
                host = "localhost";
            }
            name = (host + "-" + ProcessHandle.current().pid()).replaceAll("[^A-Za-z0-9._-]", "-");
            if (name.length() > 90) {
                name = name.substring(name.length() - 90);
            }
            name = name.replaceFirst("^[^A-Za-z0-9]+", "n");
        } else {
            try {
                io.bulwark.cluster.NodeInfo.requireName("node.name", name);
            } catch (IllegalArgumentException e) {
                throw new StartupException(e.getMessage());
            }
            if (name.length() > 90) {
                throw new StartupException("node.name must be at most 90 characters but was " + name.length());
            }
        }
        String id = name + "-" + java.util.HexFormat.of().toHexDigits(new java.security.SecureRandom().nextInt()).substring(2);
        io.bulwark.cluster.NodeRole role = switch (config.get(ClusterKeys.NODE_ROLE)) {
            case "worker" -> io.bulwark.cluster.NodeRole.WORKER;
            case "api" -> io.bulwark.cluster.NodeRole.API;
            default -> config.get(JobKeys.WORKER) ? io.bulwark.cluster.NodeRole.BOTH : io.bulwark.cluster.NodeRole.API;
        };
        return new ServerContext.NodeIdentity(id, name, role);
    }

    private static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            throw new StartupException("server.host '" + host + "' does not resolve: " + e.getMessage(), e);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }
}
