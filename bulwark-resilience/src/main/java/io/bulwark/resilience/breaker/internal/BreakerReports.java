package io.bulwark.resilience.breaker.internal;

import io.bulwark.core.logging.LogText;
import io.bulwark.resilience.breaker.BreakerHistoryStore;
import io.bulwark.resilience.breaker.BreakerTransition;
import io.bulwark.resilience.breaker.CircuitBreaker.State;
import io.bulwark.resilience.breaker.SharedBreakerState;
import io.bulwark.resilience.event.BreakerStateChanged;
import io.bulwark.resilience.internal.Listeners;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a breaker's transitions go: its in-memory history (the last {@code keep}), the history
 * store, the cluster (opens decided here), the listeners and the log. A failing store or cluster is
 * logged and never breaks a call.
 *
 * <p>Each transition is logged here exactly once, with its reason: {@link BreakerCore} decides a
 * transition by a compare-and-set on the breaker's snapshot and calls {@link #transitioned} only
 * for the one that won, so calls and evaluations that find the breaker already in its state never
 * log again. Opening is a WARN (calls are now refused), every other change an INFO.
 */
public final class BreakerReports implements BreakerCore.TransitionSink {

    private static final Logger LOG = LoggerFactory.getLogger(BreakerReports.class);

    private final String name;
    private final int keep;
    private final BreakerHistoryStore store;
    private final SharedBreakerState cluster;
    private final Listeners listeners;
    private final AtomicReference<List<BreakerTransition>> history;

    /** Reports of breaker {@code name}; loads its recent history from {@code store} (nullable). */
    public BreakerReports(String name, int keep, BreakerHistoryStore store, SharedBreakerState cluster,
                          Listeners listeners) {
        this.name = name;
        this.keep = keep;
        this.store = store;
        this.cluster = cluster;
        this.listeners = listeners;
        this.history = new AtomicReference<>(load());
    }

    /** The transitions kept, oldest first. */
    public List<BreakerTransition> history() {
        return history.get();
    }

    @Override
    public void transitioned(BreakerTransition transition, Instant openUntil, boolean local) {
        log(transition, local);
        history.updateAndGet(list -> {
            List<BreakerTransition> next = new ArrayList<>(Math.min(list.size() + 1, keep));
            next.addAll(list.size() >= keep ? list.subList(list.size() - keep + 1, list.size()) : list);
            next.add(transition);
            return List.copyOf(next);
        });
        if (store != null) {
            try {
                store.append(name, transition);
            } catch (RuntimeException e) {
                LOG.warn("Could not persist transition {} -> {} of breaker '{}'; it is kept in memory only and"
                        + " will be missing after a restart", transition.from(), transition.to(), name, e);
            }
        }
        if (cluster != null && local && transition.to() == State.OPEN) {
            try {
                cluster.publish(name, State.OPEN, openUntil, cluster.nodeId());
            } catch (RuntimeException e) {
                LOG.warn("Could not publish the open of breaker '{}' to the cluster; other nodes will keep calling"
                        + " until their own breakers open", name, e);
            }
        }
        listeners.publish(() -> new BreakerStateChanged(name, transition));
    }

    private void log(BreakerTransition t, boolean local) {
        String origin = local ? "" : " (learned from the cluster)";
        switch (t.to()) {
            case OPEN -> LOG.warn("Circuit breaker '{}' {} -> OPEN{}: {}. Calls are refused until the wait elapses;"
                    + " then probes decide whether it closes", name, t.from(), origin, LogText.safe(t.reason()));
            case FORCED_OPEN -> LOG.warn("Circuit breaker '{}' {} -> FORCED_OPEN: {}. Calls are refused until an"
                    + " operator resets it", name, t.from(), LogText.safe(t.reason()));
            default -> LOG.info("Circuit breaker '{}' {} -> {}{}: {}", name, t.from(), t.to(), origin,
                    LogText.safe(t.reason()));
        }
    }

    private List<BreakerTransition> load() {
        if (store == null) {
            return List.of();
        }
        try {
            return List.copyOf(store.recent(name, keep));
        } catch (RuntimeException e) {
            LOG.warn("Could not load the history of breaker '{}'; it starts with an empty history and keeps"
                    + " appending new transitions", name, e);
            return List.of();
        }
    }
}
