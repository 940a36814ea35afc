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

    public ServerContext(BulwarkConfig config, MeterRegistry meters, InstantSource clock, StateStore state, String node,
                         long bodyLimit, JobStore jobStore, QueuePersistence queuePersistence) {
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

    /** This node's name in history, leases and logs. */
    public String node() {
        return node;
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
