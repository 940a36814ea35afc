package io.bulwark.providers.degradation;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.bulwark.core.json.Json;
import io.bulwark.core.logging.LogText;
import io.bulwark.core.state.StateRecord;
import io.bulwark.core.state.StateStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The degradation state of one provider group: entered when a finding appears, left when an
 * evaluation finds none (or, for a manual switch, when it is switched off), with every episode
 * kept in the {@link StateStore} (kind {@value #HISTORY_KIND}) so history survives a restart.
 *
 * <p>Entering and recovering are each logged once per episode (group, trigger, reason; and the
 * episode's duration on recovery): evaluations that find the group in the state it is already in
 * change nothing and log nothing, and updated findings during an episode are not logged again.
 *
 * <h2>Design notes</h2>
 * Reads ({@link #state()}) are a volatile read of an immutable state. Changes take a lock:
 * they are rare (an evaluation at most once a second per group, operator switches), and the
 * enter/recover decision plus its history record must not interleave with another's.
 */
public final class GroupDegradation {

    /** The StateStore kind of degradation history records. */
    public static final String HISTORY_KIND = "degradation-history";

    private static final Logger LOG = LoggerFactory.getLogger(GroupDegradation.class);

    private final String group;
    private final StateStore store;
    private final ReentrantLock lock = new ReentrantLock();
    private final AtomicReference<DegradationState> state;
    private final MeterRegistry registry;
    private final Timer durations;

    public GroupDegradation(String group, StateStore store, MeterRegistry registry) {
        this.group = group;
        this.store = store;
        this.registry = registry;
        this.state = new AtomicReference<>(DegradationState.normal(group));
        Gauge.builder("bulwark.degradation.active", state, s -> s.get().degraded() ? 1 : 0)
                .description("1 while the provider group is degraded").tag("group", group).register(registry);
        this.durations = Timer.builder("bulwark.degradation.duration")
                .description("How long degraded episodes of the provider group lasted").tag("group", group)
                .register(registry);
    }

    /** The group's name. */
    public String group() {
        return group;
    }

    /** The state now. */
    public DegradationState state() {
        return state.get();
    }

    /**
     * Applies an evaluation's findings: enters degraded mode when there are some, updates the
     * reasons while it lasts, recovers when there are none (unless switched on manually).
     */
    public DegradationState observe(List<Finding> findings) {
        DegradationState now = state.get();
        if (!now.degraded() && findings.isEmpty()) {
            return now; // the common case, without the lock
        }
        lock.lock();
        try {
            DegradationState current = state.get();
            if (current.manual()) {
                return current;
            }
            if (findings.isEmpty()) {
                return recover(current);
            }
            if (!current.degraded()) {
                return enter(findings, false);
            }
            DegradationState updated = new DegradationState(group, true, current.since(), findings, false);
            state.set(updated);
            return updated;
        } finally {
            lock.unlock();
        }
    }

    /** Switches degraded mode on by hand; it stays on until {@link #exitManually()}. */
    public DegradationState enterManually(String reason) {
        lock.lock();
        try {
            DegradationState current = state.get();
            List<Finding> findings = List.of(new Finding(DegradationTrigger.MANUAL, "", reason));
            if (current.degraded()) {
                DegradationState updated = new DegradationState(group, true, current.since(), findings, true);
                state.set(updated);
                return updated;
            }
            return enter(findings, true);
        } finally {
            lock.unlock();
        }
    }

    /** Switches a manual degraded mode off; the next evaluation decides afresh. */
    public DegradationState exitManually() {
        lock.lock();
        try {
            DegradationState current = state.get();
            return current.manual() ? recover(current) : current;
        } finally {
            lock.unlock();
        }
    }

    private DegradationState enter(List<Finding> findings, boolean manual) {
        Instant at = store.now();
        DegradationState entered = new DegradationState(group, true, Optional.of(at), findings, manual);
        state.set(entered);
        Counter.builder("bulwark.degradation.entered").description("Times the provider group entered degraded mode")
                .tag("group", group).tag("trigger", findings.get(0).trigger().configName())
                .register(registry).increment();
        record("entered", at, entered.reason(), null);
        String triggers = findings.stream().map(f -> f.trigger().configName()).distinct()
                .collect(java.util.stream.Collectors.joining(","));
        LOG.warn("Provider group '{}' entered degraded mode (trigger {}): {}. Its degradation actions apply until an "
                + "evaluation finds no trigger{}", group, triggers, LogText.safe(entered.reason()),
                manual ? " and the manual switch is turned off" : "");
        return entered;
    }

    private DegradationState recover(DegradationState current) {
        Instant at = store.now();
        Duration lasted = Duration.between(current.since().orElse(at), at);
        durations.record(lasted);
        record("recovered", current.since().orElse(at), current.reason(), at);
        DegradationState normal = DegradationState.normal(group);
        state.set(normal);
        LOG.info("Provider group '{}' recovered after {} degraded (entered for: {})", group,
                io.bulwark.core.units.Durations.format(lasted), LogText.safe(current.reason()));
        return normal;
    }

    private void record(String event, Instant enteredAt, String reason, Instant recoveredAt) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("event", event);
        body.put("enteredAt", enteredAt.toString());
        body.put("reason", reason);
        if (recoveredAt != null) {
            body.put("recoveredAt", recoveredAt.toString());
        }
        try {
            store.append(HISTORY_KIND, group, Json.mapper().writeValueAsString(body));
        } catch (JsonProcessingException | RuntimeException e) {
            LOG.warn("Could not record degradation of '{}' in the state store ({}); the state itself is unaffected "
                    + "and the episode is missing from its history", group, e.toString());
        }
    }

    /**
     * The newest {@code limit} episodes, newest first: an ongoing one without recovery, then
     * finished ones with their duration.
     */
    public List<DegradationEpisode> history(int limit) {
        List<StateRecord> records = store.history(HISTORY_KIND, group, Math.max(1, limit * 2));
        List<DegradationEpisode> episodes = new ArrayList<>();
        java.util.Set<String> finished = new java.util.HashSet<>();
        for (StateRecord r : records) {
            Map<?, ?> body;
            try {
                body = Json.mapper().readValue(r.json(), Map.class);
            } catch (JsonProcessingException e) {
                continue;
            }
            Instant entered = Instant.parse((String) body.get("enteredAt"));
            String reason = String.valueOf(body.get("reason"));
            if ("recovered".equals(body.get("event"))) {
                Instant recovered = Instant.parse((String) body.get("recoveredAt"));
                finished.add(entered.toString());
                episodes.add(new DegradationEpisode(group, entered, reason, Optional.of(recovered),
                        Optional.of(Duration.between(entered, recovered))));
            } else if (!finished.contains(entered.toString())) {
                episodes.add(new DegradationEpisode(group, entered, reason, Optional.empty(), Optional.empty()));
            }
            if (episodes.size() == limit) {
                break;
            }
        }
        return episodes;
    }
}
