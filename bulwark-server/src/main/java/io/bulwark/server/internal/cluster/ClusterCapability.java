package io.bulwark.server.internal.cluster;

import io.bulwark.cluster.ClusterNode;
import io.bulwark.cluster.NodeInfo;
import io.bulwark.cluster.NodeLoad;
import io.bulwark.cluster.store.ClusterStore;
import io.bulwark.cluster.store.InMemoryClusterStore;
import io.bulwark.cluster.store.InMemoryLockStore;
import io.bulwark.core.BulwarkVersion;
import io.bulwark.core.config.ConfigKey;
import io.bulwark.core.health.HealthCheck;
import io.bulwark.core.health.HealthResult;
import io.bulwark.server.ClusterKeys;
import io.bulwark.server.JobKeys;
import io.bulwark.server.capability.Capability;
import io.bulwark.server.capability.CapabilityFactory;
import io.bulwark.server.capability.ServerContext;
import io.bulwark.server.http.ApiRoutes;
import io.bulwark.server.internal.jobs.JobsCapability;
import io.bulwark.server.internal.jobs.JobsRuntime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * This server as a node of the fleet: it registers, heartbeats and takes part in leader election
 * on the job store's cluster tables; as leader it rescues the running jobs of nodes it declares
 * dead and does the fleet's singleton work (pruning). Serves {@code /api/v1/nodes},
 * {@code /api/v1/cluster} and {@code /api/v1/locks}, and a {@code cluster} health check.
 *
 * <p>Made after jobs, so that it can hand dead nodes' jobs to the job store and drain this node's
 * worker; stopped before jobs, so that on shutdown the node says it drains, lets its jobs finish,
 * then leaves (resigning leadership at once) while the store is still open.
 */
public final class ClusterCapability implements Capability {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterCapability.class);

    /** Always made: without a fleet's store the server is a fleet of one, kept in memory. */
    public static final class Factory implements CapabilityFactory {
        @Override
        public String name() {
            return "cluster";
        }

        @Override
        public List<ConfigKey<?>> configKeys() {
            return List.of(); // ClusterKeys are core server keys: node identity is needed before capabilities
        }

        @Override
        public Optional<Capability> create(ServerContext ctx) {
            return Optional.of(new ClusterCapability(ctx));
        }
    }

    private final ServerContext ctx;
    private final ClusterStore store;
    private final LockBackends locks;
    private final ClusterNode node;
    private final JobsRuntime jobs;
    private final ScheduledExecutorService scheduler =
            Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("bulwark-cluster").daemon(true).factory());
    private volatile boolean leaving;
    private volatile boolean started;

    private ClusterCapability(ServerContext ctx) {
        this.ctx = ctx;
        var stores = ctx.clusterStores().orElseGet(() -> new ServerContext.ClusterStores(
                new InMemoryClusterStore(ctx.clock()), new InMemoryLockStore(ctx.clock())));
        this.store = stores.nodes();
        this.locks = LockBackends.open(ctx.config(), stores.locks());
        this.jobs = ctx.capability(JobsCapability.class).map(JobsCapability::runtime).orElse(null);
        var id = ctx.identity();
        List<String> queues = List.copyOf(JobKeys.servedQueues(ctx.config()));
        NodeInfo info = new NodeInfo(id.id(), id.name(), id.role(), BulwarkVersion.get(), ctx.clock().instant(), queues,
                jobs == null ? 0 : jobs.capacity());
        io.bulwark.cluster.DeadNodeHandler rescue = jobs == null ? (n, at, t) -> { }
                : new DeadNodeRescue(jobs.store(), id.id(), jobs.worker());
        java.util.Optional<io.bulwark.core.events.EventLog> events = ctx.capability(
                io.bulwark.server.internal.events.EventsCapability.class).map(io.bulwark.server.internal.events.EventsCapability::log);
        this.node = ClusterNode.builder(store, info).heartbeat(ctx.config().get(ClusterKeys.HEARTBEAT))
                .deadAfter(ctx.config().get(ClusterKeys.DEAD_AFTER)).meters(ctx.meters())
                .onDead((dead, at, term) -> {
                    rescue.handle(dead, at, term);
                    events.ifPresent(log -> log.publish("node.dead", io.bulwark.core.events.Severity.CRITICAL,
                            dead.info().name(), "Node " + dead.info().name() + " (" + dead.info().id() + ") was declared "
                                    + "dead by the leader " + id.name() + " and its running jobs were rescued",
                            java.util.Map.of("node", dead.info().name()), "BulwarkNodeDied", false));
                })
                .build();
        events.ifPresent(log -> node.onLeadership(term -> log.publish("leader.changed",
                io.bulwark.core.events.Severity.INFO, id.name(), term.isPresent()
                        ? "Node " + id.name() + " became the leader (term " + term.get().term() + ")"
                        : "Node " + id.name() + " is no longer the leader")));
        node.reportLoad(() -> jobs == null ? new NodeLoad(0, queues, leaving)
                : new NodeLoad(jobs.worker().running(), queues, leaving || jobs.draining()));
        if (jobs != null) {
            jobs.singletonWhen(node::isLeader);
        }
        node.onDrainRequested(() -> Thread.ofPlatform().name("bulwark-drain").start(this::drainAndLeave));
    }

    /** This node in the fleet. */
    public ClusterNode node() {
        return node;
    }

    /** The fleet's node store this node elects on (its leader row decides which term is current). */
    public ClusterStore store() {
        return store;
    }

    @Override
    public String name() {
        return "cluster";
    }

    @Override
    public void routes(ApiRoutes routes) {
        new NodeRoutes(node, store).register(routes);
        new LockRoutes(locks.store(), ctx.bodyLimit()).register(routes);
    }

    @Override
    public List<HealthCheck> healthChecks() {
        return List.of(HealthCheck.of("cluster", () -> {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("node", node.id());
            d.put("role", node.info().role().id());
            d.put("leader", node.isLeader());
            var view = node.lastView();
            view.flatMap(v -> v.leader()).ifPresent(t -> {
                d.put("leaderNode", t.holder());
                d.put("term", t.term());
            });
            view.flatMap(v -> v.own()).ifPresent(own -> d.put("state", own.state().id()));
            view.ifPresent(v -> d.put("nodes", v.nodes().size()));
            d.put("storeReachable", node.storeReachable());
            d.put("draining", leaving || node.drainRequested());
            // The store check decides readiness; here an unreachable store only degrades.
            return node.storeReachable() ? HealthResult.up(d) : HealthResult.degraded(d);
        }));
    }

    @Override
    public void start() {
        started = true;
        node.start(scheduler);
    }

    /** Says it drains, lets this node's jobs end within {@code grace}, then leaves the fleet. */
    @Override
    public void stop(Duration grace) {
        leaving = true;
        if (!started) {
            scheduler.shutdownNow(); // the server never listened: this node never joined
            return;
        }
        try {
            node.beat(); // tell the fleet at once that this node drains
        } catch (RuntimeException e) {
            LOG.debug("Could not report draining before leaving", e);
        }
        if (jobs != null) {
            jobs.drain(grace);
        }
        node.leave();
        scheduler.shutdownNow();
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        locks.close();
    }

    private void drainAndLeave() {
        LOG.info("Node {} drains on request: shutting down gracefully once its running jobs end", node.id());
        ctx.requestShutdown();
    }
}
