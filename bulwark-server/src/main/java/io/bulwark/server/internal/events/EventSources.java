package io.bulwark.server.internal.events;

import com.fasterxml.jackson.databind.JsonNode;
import io.bulwark.core.events.EventLog;
import io.bulwark.core.events.Severity;
import io.bulwark.core.json.Json;
import io.bulwark.core.state.StateEntry;
import io.bulwark.core.state.StateRecord;
import io.bulwark.core.state.StateStore;
import io.bulwark.providers.degradation.GroupDegradation;
import io.bulwark.resilience.breaker.BreakerHistoryStore;
import io.bulwark.resilience.breaker.BreakerTransition;
import io.bulwark.resilience.breaker.CircuitBreaker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Turns what the runtime already records into events: a breaker's transitions (as its history
 * store takes them) and a provider group's degradation episodes (as they are appended to the state
 * store). Each is published once, by the node where it happened.
 */
public final class EventSources {

    private static final Logger LOG = LoggerFactory.getLogger(EventSources.class);

    private EventSources() {
    }

    /** {@code history} that also publishes each transition; a breaker opening is logged here (nothing else logs it). */
    public static BreakerHistoryStore breakers(BreakerHistoryStore history, EventLog events) {
        return new BreakerHistoryStore() {
            @Override
            public void append(String breaker, BreakerTransition t) {
                history.append(breaker, t);
                String to = t.to().name().toLowerCase(Locale.ROOT);
                Map<String, String> labels = Map.of("breaker", breaker, "severity", "warning");
                String message = "Circuit breaker " + breaker + " went from " + t.from().name().toLowerCase(Locale.ROOT)
                        + " to " + to + (t.reason() == null || t.reason().isBlank() ? "" : ": " + t.reason());
                if (t.to() == CircuitBreaker.State.OPEN || t.to() == CircuitBreaker.State.FORCED_OPEN) {
                    LOG.warn("{}; calls through it are refused or served by fallbacks until it closes", message);
                    events.publish("breaker.opened", Severity.WARNING, breaker, message, labels, "BulwarkBreakerOpen", false);
                } else if (t.to() == CircuitBreaker.State.CLOSED) {
                    LOG.info(message);
                    events.publish("breaker.closed", Severity.INFO, breaker, message, labels, "BulwarkBreakerOpen", true);
                } else {
                    LOG.info(message);
                    events.publish("breaker." + to.replace('_', '-'), Severity.INFO, breaker, message);
                }
            }

            @Override
            public List<BreakerTransition> recent(String breaker, int limit) {
                return history.recent(breaker, limit);
            }
        };
    }

    /** {@code state} that publishes degradation episodes as they are recorded (the group logs them itself). */
    public static StateStore degradation(StateStore state, EventLog events) {
        return new StateStore() {
            @Override
            public Instant now() {
                return state.now();
            }

            @Override
            public Optional<StateEntry> get(String kind, String name) {
                return state.get(kind, name);
            }

            @Override
            public List<StateEntry> list(String kind) {
                return state.list(kind);
            }

            @Override
            public StateEntry put(String kind, String name, String json) {
                return state.put(kind, name, json);
            }

            @Override
            public Optional<StateEntry> putIfVersion(String kind, String name, String json, long expectedVersion) {
                return state.putIfVersion(kind, name, json, expectedVersion);
            }

            @Override
            public boolean delete(String kind, String name) {
                return state.delete(kind, name);
            }

            @Override
            public StateRecord append(String kind, String name, String json) {
                StateRecord r = state.append(kind, name, json);
                if (GroupDegradation.HISTORY_KIND.equals(kind)) {
                    episode(events, name, json);
                }
                return r;
            }

            @Override
            public List<StateRecord> history(String kind, String name, int limit) {
                return state.history(kind, name, limit);
            }

            @Override
            public int pruneHistory(String kind, Instant before) {
                return state.pruneHistory(kind, before);
            }
        };
    }

    private static void episode(EventLog events, String group, String json) {
        try {
            JsonNode n = Json.mapper().readTree(json);
            Map<String, String> labels = Map.of("group", group, "severity", "warning");
            String reason = n.path("reason").asText("");
            if (n.path("event").asText().equals("entered")) {
                events.publish("degradation.entered", Severity.WARNING, group, "Provider group " + group
                        + " entered degraded mode: " + reason, labels, "BulwarkGroupDegraded", false);
            } else if (n.path("event").asText().equals("recovered")) {
                events.publish("degradation.recovered", Severity.INFO, group, "Provider group " + group
                        + " recovered", labels, "BulwarkGroupDegraded", true);
            }
        } catch (Exception e) {
            LOG.debug("A degradation record of {} is not JSON: {}", group, e.toString());
        }
    }

    /** Publishes drift of a provider from its baseline (the drift monitor logs it itself). */
    public static void drift(EventLog events, String provider, List<String> why) {
        Map<String, String> labels = Map.of("provider", provider, "severity", "warning");
        if (why.isEmpty()) {
            events.publish("drift.ended", Severity.INFO, provider, "Provider " + provider + " is back within its baseline",
                    labels, "BulwarkProviderDrift", true);
        } else {
            events.publish("drift.started", Severity.WARNING, provider, "Provider " + provider + " drifts from its "
                    + "baseline: " + String.join("; ", why), labels, "BulwarkProviderDrift", false);
        }
    }
}
