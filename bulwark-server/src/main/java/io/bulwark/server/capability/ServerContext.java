package io.bulwark.server.capability;

import io.bulwark.core.config.BulwarkConfig;
import io.bulwark.core.state.StateStore;
import io.bulwark.jobs.store.JobStore;
import io.bulwark.server.internal.jobs.QueuePersistence;
import io.micrometer.core.instrument.MeterRegistry;

import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the server gives a capability to make itself from: configuration, meters, the clock, the
 * runtime state store, the job store when there is one, and the capabilities made before it.
 */
public final class ServerContext {

    private final BulwarkConfig config;
    private final MeterRegistry meters;
    private final InstantSource clock;
    private final StateStore state;
    private final String node;
    private final long bodyLimit;
    private final JobStore jobStore;
    private final QueuePersistence queuePersistence;
    private final List<Capability> made = new ArrayList<>();
    private final NodeIdentity identity;
    private final ClusterStores cluster;
    private final Runnable shutdown;

    /** Who this node is: its id (unique per run), readable name and role. */
    public record NodeIdentity(String id, String name, io.bulwark.cluster.NodeRole role) {
    }

    /** The fleet's stores when the job store provides them (all JDBC stores do). */
    public record ClusterStores(io.bulwark.cluster.store.ClusterStore nodes, io.bulwark.cluster.store.LockStore locks) {
    }

    public ServerContext(BulwarkConfig config, MeterRegistry meters, InstantSource clock, StateStore state,
                         NodeIdentity identity, long bodyLimit, JobStore jobStore, QueuePersistence queuePersistence,
                         ClusterStores cluster, Runnable shutdown) {
        this(config, meters, clock, state, identity.id(), bodyLimit, jobStore, queuePersistence, identity, cluster,
                shutdown);
    }

    private ServerContext(BulwarkConfig config, MeterRegistry meters, InstantSource clock, StateStore state, String node,
                          long bodyLimit, JobStore jobStore, QueuePersistence queuePersistence, NodeIdentity identity,
                          ClusterStores cluster, Runnable shutdown) {
        this.identity = identity;
        this.cluster = cluster;
        this.shutdown = shutdown;
        this.config = config;
        this.meters = meters;
        this.clock = clock;
        this.state = state;
        this.node = node;
        this.bodyLimit = bodyLimit;
        this.jobStore = jobStore;
        this.queuePersistence = queuePersistence;
    }

    public BulwarkConfig config() {
        return config;
    }

    public MeterRegistry meters() {
        return meters;
    }

    public InstantSource clock() {
        return clock;
    }

    /** Where runtime state is kept: the store's tables, or memory. */
    public StateStore state() {
        return state;
    }

    /** This node's id in history, leases and logs (unique per run; see {@link #identity()}). */
    public String node() {
        return node;
    }

    /** This node's id, name and role. */
    public NodeIdentity identity() {
        return identity;
    }

    /** The fleet's node and lock stores, when the job store provides them. */
    public Optional<ClusterStores> clusterStores() {
        return Optional.ofNullable(cluster);
    }

    /** Asks the server to shut down gracefully, as SIGTERM does (a drained node leaving). Returns at once. */
    public void requestShutdown() {
        shutdown.run();
    }

    /** The largest request body, in bytes ({@code server.maxRequestBody}). */
    public long bodyLimit() {
        return bodyLimit;
    }

    /** The job store, when the server runs one. */
    public Optional<JobStore> jobStore() {
        return Optional.ofNullable(jobStore);
    }

    /** Where queue settings changed over the API persist. */
    public QueuePersistence queuePersistence() {
        return queuePersistence;
    }

    /**
     * Traces: the SDK behind {@code otel.*} when {@code otel.enabled}, else {@link io.bulwark.core.tracing.Tracing#noop()}.
     * Made by the first capability, so every other one may use it.
     */
    public io.bulwark.core.tracing.Tracing tracing() {
        return capability(io.bulwark.server.internal.tracing.TracingCapability.class)
                .map(io.bulwark.server.internal.tracing.TracingCapability::tracing)
                .orElse(io.bulwark.core.tracing.Tracing.noop());
    }

    /** A capability made before this one, by type. */
    public <T extends Capability> Optional<T> capability(Class<T> type) {
        return made.stream().filter(type::isInstance).map(type::cast).findFirst();
    }

    /** Records a capability once made, for those after it. */
    void add(Capability c) {
        made.add(c);
    }

    /** The capabilities made so far, in order. */
    List<Capability> made() {
        return List.copyOf(made);
    }
}
