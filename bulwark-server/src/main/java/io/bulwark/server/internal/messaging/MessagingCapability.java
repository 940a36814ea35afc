package io.bulwark.server.internal.messaging;

import io.bulwark.core.health.HealthCheck;
import io.bulwark.core.health.HealthResult;
import io.bulwark.jobs.Handlers;
import io.bulwark.jobs.JobClient;
import io.bulwark.messaging.Broker;
import io.bulwark.messaging.SubscribeOptions;
import io.bulwark.messaging.Subscription;
import io.bulwark.messaging.spi.BrokerSettings;
import io.bulwark.messaging.spi.Brokers;
import io.bulwark.pipeline.Pipelines;
import io.bulwark.server.MessagingKeys;
import io.bulwark.server.StartupException;
import io.bulwark.server.capability.Capability;
import io.bulwark.server.capability.CapabilityFactory;
import io.bulwark.server.capability.ServerContext;
import io.bulwark.server.internal.jobs.JobsCapability;
import io.bulwark.server.internal.pipelines.PipelinesCapability;
import io.bulwark.core.config.BulwarkConfig;
import io.bulwark.core.config.ConfigKey;
import io.bulwark.server.http.ApiRoutes;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Messaging: the broker connections declared in config ({@code messaging.connections.<name>.*})
 * and the bridges that turn their topics' messages into jobs or pipeline runs
 * ({@code messaging.bridges.<name>.*}). A connection that cannot be reached at start is tried again
 * every 5 s (its health check says why meanwhile) and its bridges start once it is reached. Every
 * node runs every bridge, as a member of the bridge's group, so the fleet shares the messages.
 */
public final class MessagingCapability implements Capability {

    private static final Logger LOG = LoggerFactory.getLogger(MessagingCapability.class);
    private static final Duration RETRY = Duration.ofSeconds(5);
    /** The most messages committed as jobs together. */
    private static final int BRIDGE_BATCH = 256;

    /** Made when the config declares a connection. */
    public static final class Factory implements CapabilityFactory {
        @Override
        public String name() {
            return "messaging";
        }

        @Override
        public List<ConfigKey<?>> configKeys() {
            return MessagingKeys.ALL;
        }

        @Override
        public Optional<Capability> create(ServerContext ctx) {
            List<String> names = MessagingKeys.names(ctx.config(), MessagingKeys.TYPE, MessagingKeys.CONNECTIONS);
            List<BridgeSpec> bridges = BridgeSpec.read(ctx.config(), new java.util.TreeSet<>(names));
            if (names.isEmpty()) {
                return Optional.empty();
            }
            Optional<JobsCapability> jobs = ctx.capability(JobsCapability.class);
            if (!bridges.isEmpty() && jobs.isEmpty()) {
                throw new StartupException(MessagingKeys.keyOf(MessagingKeys.BRIDGE_CONNECTION, bridges.getFirst().name())
                        + " declares a bridge, but this server has no job store to enqueue into (set store.url)");
            }
            Optional<Pipelines> pipelines = ctx.capability(PipelinesCapability.class).map(PipelinesCapability::pipelines);
            for (BridgeSpec b : bridges) {
                if (b.jobType() != null && jobs.get().runtime().handlers().find(b.jobType()).isEmpty()) {
                    throw new StartupException(MessagingKeys.keyOf(MessagingKeys.BRIDGE_JOB_TYPE, b.name()) + ": no handler "
                            + "is registered for '" + b.jobType() + "'");
                }
                if (b.pipeline() != null && pipelines.isEmpty()) {
                    throw new StartupException(MessagingKeys.keyOf(MessagingKeys.BRIDGE_PIPELINE, b.name())
                            + ": this server runs no pipelines (it needs a job store)");
                }
            }
            MessagingCapability messaging = new MessagingCapability(ctx.config(), ctx.meters(), names, bridges,
                    jobs.map(j -> j.runtime().client()), jobs.map(j -> j.runtime().handlers()), pipelines, ctx.bodyLimit(),
                    ctx.tracing());
            jobs.ifPresent(j -> j.runtime().handlers().register(PublishJob.TYPE, PublishJob.class, messaging::publish));
            return Optional.of(messaging);
        }
    }

    /** One configured connection and what runs on it. */
    static final class Connection {
        final BrokerSettings settings;
        final List<BridgeSpec> bridges;
        volatile Broker broker;
        volatile String error;
        final List<Subscription> subscriptions = new CopyOnWriteArrayList<>();

        Connection(BrokerSettings settings, List<BridgeSpec> bridges) {
            this.settings = settings;
            this.bridges = bridges;
        }
    }

    private final Map<String, Connection> connections = new LinkedHashMap<>();
    private final MeterRegistry meters;
    /** Messages carry their publisher's trace, and a bridge's job continues it ({@link io.bulwark.messaging.TracedBroker}). */
    private final io.bulwark.core.tracing.Tracing tracing;
    private final Optional<JobClient> jobs;
    private final Optional<Handlers> handlers;
    private final Optional<Pipelines> pipelines;
    private final long bodyLimit;
    /** The bridges' enqueues, committed together: made when the first bridge starts. */
    private volatile io.bulwark.jobs.GroupEnqueue enqueues;
    private final ScheduledExecutorService retries =
            Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("bulwark-messaging").daemon(true).factory());

    MessagingCapability(BulwarkConfig config, MeterRegistry meters, List<String> names, List<BridgeSpec> bridges,
                        Optional<JobClient> jobs, Optional<Handlers> handlers, Optional<Pipelines> pipelines, long bodyLimit,
                        io.bulwark.core.tracing.Tracing tracing) {
        this.tracing = tracing;
        this.meters = meters;
        this.jobs = jobs;
        this.handlers = handlers;
        this.pipelines = pipelines;
        this.bodyLimit = bodyLimit;
        List<String> problems = new ArrayList<>();
        java.util.Set<String> installed = Brokers.installed().keySet();
        for (String name : names) {
            String type = config.getAll(MessagingKeys.TYPE).get(MessagingKeys.keyOf(MessagingKeys.TYPE, name));
            var url = config.getAll(MessagingKeys.URL).get(MessagingKeys.keyOf(MessagingKeys.URL, name));
            if (url == null) {
                problems.add(MessagingKeys.keyOf(MessagingKeys.URL, name) + ": a connection needs its broker's URL");
                continue;
            }
            if (!installed.contains(type)) {
                problems.add(MessagingKeys.keyOf(MessagingKeys.TYPE, name) + ": " + type + " needs its module "
                        + "(bulwark-messaging-" + type.replace("-streams", "") + ") on the class path; installed: "
                        + installed);
                continue;
            }
            connections.put(name, new Connection(new BrokerSettings(name, type, url.reveal(), Map.of()),
                    bridges.stream().filter(b -> b.connection().equals(name)).toList()));
        }
        if (!problems.isEmpty()) {
            throw new StartupException(String.join("; ", problems));
        }
    }

    @Override
    public String name() {
        return "messaging";
    }

    Map<String, Connection> connections() {
        return connections;
    }

    @Override
    public void start() {
        connections.values().forEach(this::connect);
    }

    /** The group commit every bridge enqueues through: one commit for the messages handled at the same moment. */
    private synchronized io.bulwark.jobs.GroupEnqueue enqueues() {
        if (enqueues == null) {
            enqueues = new io.bulwark.jobs.GroupEnqueue(jobs.orElseThrow(), BRIDGE_BATCH);
        }
        return enqueues;
    }

    /** Opens {@code c}'s broker and starts its bridges; on failure, tries again in 5 s. */
    private void connect(Connection c) {
        try {
            Broker b = io.bulwark.messaging.TracedBroker.of(Brokers.open(c.settings, meters), tracing);
            c.broker = b;
            c.error = null;
            for (BridgeSpec spec : c.bridges) {
                c.subscriptions.add(b.subscribe(spec.topic(), spec.group(), new Bridge(spec, enqueues(), handlers.orElseThrow(), pipelines),
                        SubscribeOptions.builder().concurrency(spec.concurrency()).maxDeliveries(spec.maxDeliveries())
                                .claimAfter(spec.claimAfter()).build()));
            }
            LOG.info("Messaging connection {} ({} at {}) is up with {} bridge(s)", c.settings.name(), c.settings.type(),
                    c.settings.displayUrl(), c.bridges.size());
        } catch (RuntimeException e) {
            if (c.error == null) {
                LOG.warn("Messaging connection {} ({} at {}) cannot be opened: {}; trying again every {} s",
                        c.settings.name(), c.settings.type(), c.settings.displayUrl(), e.getMessage(), RETRY.toSeconds());
            }
            c.error = e.getMessage();
            if (!retries.isShutdown()) {
                retries.schedule(() -> connect(c), RETRY.toMillis(), TimeUnit.MILLISECONDS);
            }
        }
    }

    /** The {@code builtin.publish} job: publishes its message, answering with its id; a closed connection is a retryable failure. */
    private Map<String, Object> publish(io.bulwark.jobs.JobContext<PublishJob> ctx) throws io.bulwark.jobs.JobFailure {
        PublishJob p = ctx.payload();
        Connection c = connections.get(p.connection());
        if (c == null) {
            throw io.bulwark.jobs.JobFailure.permanent("connection: no messaging connection '" + p.connection()
                    + "'; configured: " + connections.keySet());
        }
        Broker b = c.broker;
        if (b == null) {
            throw new IllegalStateException("messaging connection " + p.connection() + " is not open: " + c.error);
        }
        io.bulwark.messaging.Outgoing message;
        try {
            message = MessagingRoutes.outgoing(p.message(), p.headers(), p.key(), p.delay(), null);
        } catch (IllegalArgumentException e) {
            throw io.bulwark.jobs.JobFailure.permanent(e.getMessage());
        }
        io.bulwark.messaging.Published done;
        try {
            done = b.publish(p.topic(), message);
        } catch (IllegalArgumentException e) {
            throw io.bulwark.jobs.JobFailure.permanent(e.getMessage());
        }
        return Map.of("id", done.id(), "topic", done.topic(), "deliverAt", done.deliverAt().toString());
    }

    @Override
    public void routes(ApiRoutes routes) {
        new MessagingRoutes(this, bodyLimit).register(routes);
    }

    @Override
    public List<HealthCheck> healthChecks() {
        return List.of(new HealthCheck() {
            @Override
            public String name() {
                return "messaging";
            }

            @Override
            public boolean readiness() {
                return false; // a broker outage stops bridges; the node still serves its API and jobs
            }

            @Override
            public HealthResult check() {
                Map<String, Object> details = new LinkedHashMap<>();
                boolean allUp = true;
                for (Connection c : connections.values()) {
                    Map<String, Object> d = new LinkedHashMap<>();
                    d.put("type", c.settings.type());
                    d.put("url", c.settings.displayUrl());
                    boolean up = c.broker != null && c.broker.isHealthy();
                    d.put("up", up);
                    if (!up) {
                        d.put("error", c.error == null ? "the broker does not answer" : c.error);
                    }
                    allUp &= up;
                    details.put(c.settings.name(), d);
                }
                return allUp ? HealthResult.up(details) : HealthResult.down(details);
            }
        });
    }

    @Override
    public void stop(Duration grace) {
        retries.shutdownNow();
        for (Connection c : connections.values()) {
            c.subscriptions.forEach(s -> s.stop(grace));
        }
    }

    @Override
    public void close() {
        retries.shutdownNow();
        if (enqueues != null) {
            enqueues.close();
        }
        for (Connection c : connections.values()) {
            if (c.broker != null) {
                try {
                    c.broker.close();
                } catch (RuntimeException e) {
                    LOG.debug("Closing messaging connection {}: {}", c.settings.name(), e.toString());
                }
            }
        }
    }
}
