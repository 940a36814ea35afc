package io.bulwark.server.internal.jobs;

import io.bulwark.core.config.ConfigKey;
import io.bulwark.core.health.HealthCheck;
import io.bulwark.jdbc.JdbcJobStore;
import io.bulwark.jdbc.database.DatabaseJobStore;
import io.bulwark.server.JobKeys;
import io.bulwark.server.capability.Capability;
import io.bulwark.server.capability.CapabilityFactory;
import io.bulwark.server.capability.ServerContext;
import io.bulwark.server.http.ApiRoutes;
import io.bulwark.server.internal.resilience.ResilienceCapability;
import io.bulwark.server.internal.store.StoreRoutes;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The job engine when the server has a job store: jobs, queues and store routes, the store's
 * health check and pool metrics, the worker's lifecycle. Made after resilience, whose provider
 * groups http jobs call.
 */
public final class JobsCapability implements Capability {

    /** Makes it from {@code jobs.*}, when the server has a job store. */
    public static final class Factory implements CapabilityFactory {
        @Override
        public String name() {
            return "jobs";
        }

        @Override
        public List<ConfigKey<?>> configKeys() {
            return JobKeys.ALL;
        }

        @Override
        public Optional<Capability> create(ServerContext ctx) {
            return ctx.jobStore().map(store -> {
                var groups = ctx.capability(ResilienceCapability.class)
                        .map(r -> r.runtime().groupCalls()).orElse(null);
                JobsRuntime runtime = new JobsRuntime(ctx.config(), store, ctx.queuePersistence(), ctx.meters(),
                        ctx.clock(), ctx.node(), groups, ctx.tracing());
                bindStoreMetrics(runtime, ctx.meters());
                return new JobsCapability(runtime, ctx.bodyLimit());
            });
        }
    }

    private final JobsRuntime runtime;
    private final long bodyLimit;

    private JobsCapability(JobsRuntime runtime, long bodyLimit) {
        this.runtime = runtime;
        this.bodyLimit = bodyLimit;
    }

    private static void bindStoreMetrics(JobsRuntime runtime, MeterRegistry meters) {
        if (runtime.store() instanceof DatabaseJobStore db) {
            // HikariCP's own binding: hikaricp_connections_{active,idle,pending,max,timeout_total,...}{pool=...}
            db.dataSource().setMetricsTrackerFactory(
                    new com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory(meters));
            db.replicaDataSource().ifPresent(r -> {
                r.setMetricsTrackerFactory(new com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory(meters));
                FunctionCounter.builder("bulwark.store.replica.fallbacks", db, d -> d.replicaStatus().map(rs -> (double) rs.fallbacks()).orElse(0.0))
                        .description("List and count queries sent to the primary because the replica lagged or failed")
                        .register(meters);
                Gauge.builder("bulwark.store.replica.lag", db, d -> d.replicaStatus().map(rs -> rs.lagMs() / 1000.0).orElse(-1.0))
                        .baseUnit("seconds").description("Replication lag of the read replica as it last reported; "
                                + "negative when it could not be asked").register(meters);
            });
        }
    }

    @Override
    public String name() {
        return "jobs";
    }

    /** The job engine, for capabilities made after this one (the cluster hands dead nodes' jobs to it). */
    public JobsRuntime runtime() {
        return runtime;
    }

    @Override
    public void routes(ApiRoutes routes) {
        new JobRoutes(runtime, bodyLimit).register(routes);
        new QueueRoutes(runtime, bodyLimit).register(routes);
        if (runtime.store() instanceof JdbcJobStore jdbc) {
            new StoreRoutes(jdbc).register(routes);
        }
    }

    @Override
    public List<HealthCheck> healthChecks() {
        return List.of(runtime.storeCheck());
    }

    @Override
    public void start() {
        runtime.start();
    }

    private final java.util.concurrent.atomic.AtomicBoolean stopped = new java.util.concurrent.atomic.AtomicBoolean();

    /** Stops claiming, drains running attempts within {@code grace}, then closes the store. */
    @Override
    public void stop(Duration grace) {
        if (stopped.compareAndSet(false, true)) {
            runtime.stop(grace);
        }
    }

    /** A server refused after this was made never stops it: release its threads and store now. */
    @Override
    public void close() {
        stop(Duration.ZERO);
    }
}
