package io.bulwark.resilience.breaker;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.bulwark.core.json.Json;
import io.bulwark.core.state.StateEntry;
import io.bulwark.core.state.StateStore;
import io.bulwark.resilience.internal.Checks;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cluster-wide breaker state over a {@link StateStore} shared by the nodes (the JDBC store in a
 * fleet). One document of kind {@value #KIND} per breaker holds the last published state,
 * {@code openUntil} and the node; its {@link StateEntry#version()} tells a poller whether it has
 * already seen it.
 *
 * <pre>{@code
 * StateStoreSharedBreakerState shared = new StateStoreSharedBreakerState(stateStore, "node-a");
 * CircuitBreakerRegistry breakers = CircuitBreakerRegistry.builder(clock).sharedState(shared).build();
 * AutoCloseable polling = shared.start(scheduler, Duration.ofSeconds(1)); // others learn within ~1s
 * }</pre>
 *
 * <p>{@link #pollOnce()} reads the documents once and opens each attached breaker that another
 * node opened, until the same {@code openUntil} (reason "opened on node X"); tests call it by
 * hand. The bound on how late a node learns is the poll interval plus one store round trip.
 * {@code openUntil} is the publishing node's wall time: nodes are assumed to agree on the time
 * to well within a breaker's wait.
 */
public final class StateStoreSharedBreakerState implements SharedBreakerState {

    /** The kind of the shared documents. */
    public static final String KIND = "breaker-shared";

    private static final Logger LOG = LoggerFactory.getLogger(StateStoreSharedBreakerState.class);

    private final StateStore store;
    private final String nodeId;
    private final Map<String, CircuitBreaker> attached = new ConcurrentHashMap<>();
    private final Map<String, Long> seenVersions = new ConcurrentHashMap<>();

    /** Shared state in {@code store}, publishing as {@code nodeId}. */
    public StateStoreSharedBreakerState(StateStore store, String nodeId) {
        this.store = Objects.requireNonNull(store, "store");
        this.nodeId = Checks.name(nodeId);
    }

    /** The document body. */
    record Shared(CircuitBreaker.State state, Instant openUntil, String node) {
    }

    @Override
    public String nodeId() {
        return nodeId;
    }

    @Override
    public void publish(String breaker, CircuitBreaker.State state, Instant openUntil, String node) {
        try {
            StateEntry written = store.put(KIND, breaker, Json.mapper().writeValueAsString(new Shared(state, openUntil, node)));
            if (node.equals(nodeId)) {
                seenVersions.merge(breaker, written.version(), Math::max); // our own write needs no applying
            }
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("could not write the shared state of breaker '" + breaker + "'", e);
        }
    }

    @Override
    public void attach(CircuitBreaker breaker) {
        attached.put(breaker.name(), breaker);
    }

    @Override
    public void detach(CircuitBreaker breaker) {
        attached.remove(breaker.name(), breaker);
    }

    @Override
    public int pollOnce() {
        int opened = 0;
        for (StateEntry entry : store.list(KIND)) {
            CircuitBreaker breaker = attached.get(entry.name());
            if (breaker == null) {
                continue;
            }
            Long seen = seenVersions.get(entry.name());
            if (seen != null && entry.version() <= seen) {
                continue;
            }
            seenVersions.put(entry.name(), entry.version());
            Shared shared;
            try {
                shared = Json.mapper().readValue(entry.json(), Shared.class);
            } catch (JsonProcessingException e) {
                LOG.warn("Shared state of breaker '{}' (version {}) is not readable; it is skipped until the next"
                        + " publish: {}", entry.name(), entry.version(), e.getOriginalMessage());
                continue;
            }
            if (!shared.node().equals(nodeId) && shared.state() == CircuitBreaker.State.OPEN
                    && shared.openUntil() != null && breaker.openFromRemote(shared.openUntil(), shared.node())) {
                opened++;
            }
        }
        return opened;
    }

    /**
     * Polls every {@code interval} on {@code scheduler} until the returned handle is closed. A
     * failing poll is logged and the next one runs as planned.
     */
    public AutoCloseable start(ScheduledExecutorService scheduler, Duration interval) {
        Checks.positive("interval", interval);
        ScheduledFuture<?> task = scheduler.scheduleWithFixedDelay(() -> {
            try {
                pollOnce();
            } catch (RuntimeException e) {
                LOG.warn("Polling the shared breaker state failed; breakers keep their local state and the next"
                        + " poll runs in {}", interval, e);
            }
        }, interval.toNanos(), interval.toNanos(), TimeUnit.NANOSECONDS);
        return () -> task.cancel(false);
    }
}
