package io.bulwark.server.internal.resilience;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.bulwark.core.config.BulwarkConfig;
import io.bulwark.core.health.HealthCheck;
import io.bulwark.core.health.HealthResult;
import io.bulwark.core.json.Json;
import io.bulwark.core.state.StateEntry;
import io.bulwark.core.state.StateStore;
import io.bulwark.core.validation.ValidationException;
import io.bulwark.providers.DriftMonitor;
import io.bulwark.providers.GroupSpec;
import io.bulwark.providers.ProviderGroup;
import io.bulwark.providers.Providers;
import io.bulwark.providers.RetrySpec;
import io.bulwark.providers.degradation.GroupDegradation;
import io.bulwark.resilience.ResilienceClock;
import io.bulwark.resilience.breaker.BreakerHistoryStore;
import io.bulwark.resilience.breaker.StateStoreBreakerHistory;
import io.bulwark.resilience.breaker.StateStoreSharedBreakerState;
import io.bulwark.server.ResilienceKeys;
import io.bulwark.server.StartupException;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The providers of a server: built from config, overridden by changes made over the API (kept
 * in the {@link StateStore}: kinds {@value #GROUP_KIND} and {@value #RETRY_KIND}, one document
 * per name, a deleted one kept as a tombstone so the file's version does not come back), with
 * a scheduler that evaluates degradation every second, checks drift, polls shared breaker state
 * and prunes old history.
 */
public final class ResilienceRuntime implements AutoCloseable {

    static final String GROUP_KIND = "provider-group";
    static final String RETRY_KIND = "retry-config";

    /** The groups as configured (file, environment, flags), before the store's API changes. */
    private final Map<String, GroupSpec> configuredGroups;
    private static final String TOMBSTONE = "{\"deleted\":true}";
    private static final Logger LOG = LoggerFactory.getLogger(ResilienceRuntime.class);

    private final StateStore state;
    private final ScheduledExecutorService scheduler;
    private final Providers providers;
    private final DriftMonitor drift;
    private final StateStoreSharedBreakerState shared;
    private final ReentrantLock changes = new ReentrantLock();
    private final MeterRegistry meters;
    private final Duration sharedPoll;
    private final Duration historyRetention;
    private Map<String, RetrySpec> retrySpecs;
    private Map<String, GroupSpec> groupSpecs;

    public ResilienceRuntime(BulwarkConfig config, StateStore state, MeterRegistry meters, InstantSource clock,
                             String node) {
        this(config, state, meters, clock, node, null, null);
    }

    /** With {@code events}: breaker transitions, degradation episodes and drift are published there. */
    public ResilienceRuntime(BulwarkConfig config, StateStore state, MeterRegistry meters, InstantSource clock,
                             String node, io.bulwark.core.events.EventLog events,
                             io.bulwark.providers.AnswerStore answers) {
        this(config, state, meters, clock, node, events, answers, io.bulwark.core.tracing.Tracing.noop());
    }

    /** With {@code tracing}: group and provider calls are spans. */
    public ResilienceRuntime(BulwarkConfig config, StateStore state, MeterRegistry meters, InstantSource clock,
                             String node, io.bulwark.core.events.EventLog events,
                             io.bulwark.providers.AnswerStore answers, io.bulwark.core.tracing.Tracing tracing) {
        this(config, state, meters, clock, node, events, answers, tracing, null);
    }

    /** With {@code limiters}: providers' rate and cost limits are shared through them (Redis), not per node. */
    public ResilienceRuntime(BulwarkConfig config, StateStore state, MeterRegistry meters, InstantSource clock,
                             String node, io.bulwark.core.events.EventLog events,
                             io.bulwark.providers.AnswerStore answers, io.bulwark.core.tracing.Tracing tracing,
                             io.bulwark.ratelimit.RateLimiterFactory limiters) {
        this.state = state;
        this.meters = meters;
        this.scheduler = Executors.newScheduledThreadPool(1, Thread.ofPlatform().daemon().name("bulwark-resilience-", 0)
                .factory());
        ResilienceClock rc = new ResilienceClock(clock, System::nanoTime);
        BreakerHistoryStore history = new StateStoreBreakerHistory(state);
        if (events != null) {
            history = io.bulwark.server.internal.events.EventSources.breakers(history, events);
        }
        this.shared = new StateStoreSharedBreakerState(state, node);
        this.sharedPoll = config.get(ResilienceKeys.SHARED_POLL);
        this.historyRetention = config.get(ResilienceKeys.HISTORY_RETENTION);
        Providers.Builder builder = Providers.builder();
        if (limiters != null) {
            builder.limiters(limiters);
        }
        this.providers = builder.clock(rc).scheduler(scheduler)
                .state(events == null ? state : io.bulwark.server.internal.events.EventSources.degradation(state, events))
                .meterRegistry(meters).tracing(tracing)
                .breakerHistory(history).sharedBreakerState(shared)
                .cacheEntries(config.get(ResilienceKeys.CACHE_ENTRIES))
                .answers(answers != null ? answers : io.bulwark.providers.AnswerStore.inMemory(
                        config.get(ResilienceKeys.CACHE_ENTRIES))).build();
        double factor;
        try {
            factor = Double.parseDouble(config.get(ResilienceKeys.DRIFT_FACTOR).trim());
        } catch (NumberFormatException e) {
            throw new StartupException("resilience.drift.factor must be a number > 1 but was '"
                    + config.get(ResilienceKeys.DRIFT_FACTOR) + "'");
        }
        try {
            this.drift = new DriftMonitor(providers, state, meters, factor, config.get(ResilienceKeys.DRIFT_WINDOW),
                    config.get(ResilienceKeys.DRIFT_MINIMUM_CALLS));
            if (events != null) {
                drift.onChange((provider, why) -> io.bulwark.server.internal.events.EventSources.drift(events, provider, why));
            }
        } catch (IllegalArgumentException e) {
            throw new StartupException("resilience.drift.factor: " + e.getMessage());
        }
        ProvidersConfig.Specs fromFile = ProvidersConfig.read(config);
        Map<String, RetrySpec> retries = new TreeMap<>(fromFile.retries());
        Map<String, GroupSpec> groups = new TreeMap<>();
        fromFile.groups().forEach(g -> groups.put(g.name(), g));
        this.configuredGroups = Map.copyOf(groups);
        overlay(RETRY_KIND, retries, RetrySpec.class);
        overlay(GROUP_KIND, groups, GroupSpec.class);
        logOverriddenGroups(groups);
        try {
            providers.apply(retries, List.copyOf(groups.values()));
        } catch (ValidationException e) {
            StringBuilder sb = new StringBuilder("invalid providers (from the config file, the environment, or changes "
                    + "kept in the store):");
            e.problems().forEach(p -> sb.append("\n  ").append(p.field()).append(": ").append(p.message()));
            throw new StartupException(sb.toString());
        }
        this.retrySpecs = retries;
        this.groupSpecs = groups;
    }

    /**
     * Says once, at start, which configured groups the store's API changes replace or remove, so
     * that config-file and flag values that do not apply are never silently ignored.
     */
    private void logOverriddenGroups(Map<String, GroupSpec> inForce) {
        configuredGroups.forEach((name, configured) -> {
            GroupSpec now = inForce.get(name);
            if (now == null) {
                LOG.warn("Provider group '{}' is configured but was deleted over the API (kept in the store), so it does "
                        + "not run; 'bulwark providers reset {}' drops the stored change and uses the configured group",
                        name, name);
            } else if (!json(now).equals(json(configured))) {
                LOG.warn("Provider group '{}' runs as last changed over the API (kept in the store); its config-file, "
                        + "environment and flag values do not apply. 'bulwark providers reset {}' drops the stored "
                        + "version and uses the configured one", name, name);
            }
        });
    }

    /** The names of the groups as configured, before API changes. */
    public java.util.Set<String> configuredGroupNames() {
        return new java.util.TreeSet<>(configuredGroups.keySet());
    }

    /** What {@link #resetGroup} did. */
    public record Reset(boolean droppedStored, GroupSpec inForce) {
    }

    /**
     * Drops the version of {@code name} kept in the store (changed or deleted over the API): the
     * group runs as configured again (config file, environment, flags), or is gone when it is not
     * configured.
     *
     * @return what was done, or empty when the group is neither stored nor configured
     * @throws ValidationException when the configured group no longer fits (e.g. names a retry
     *         config removed over the API); nothing changes then
     */
    public java.util.Optional<Reset> resetGroup(String name) {
        changes.lock();
        try {
            boolean stored = state.get(GROUP_KIND, name).isPresent();
            GroupSpec configured = configuredGroups.get(name);
            if (!stored && configured == null) {
                return java.util.Optional.empty();
            }
            Map<String, GroupSpec> next = new TreeMap<>(groupSpecs);
            if (configured != null) {
                next.put(name, configured);
            } else {
                next.remove(name);
            }
            providers.apply(retrySpecs, List.copyOf(next.values()));
            state.delete(GROUP_KIND, name);
            groupSpecs = next;
            LOG.info("Provider group '{}' was reset: {}", name, configured != null
                    ? "it runs as configured again" : "it is not configured, so it is gone");
            return java.util.Optional.of(new Reset(stored, configured));
        } finally {
            changes.unlock();
        }
    }

    private <T> void overlay(String kind, Map<String, T> into, Class<T> type) {
        for (StateEntry e : state.list(kind)) {
            if (e.json().equals(TOMBSTONE)) {
                into.remove(e.name());
                continue;
            }
            try {
                into.put(e.name(), Json.mapper().readValue(e.json(), type));
            } catch (JsonProcessingException ex) {
                throw new StartupException("the stored " + kind + " '" + e.name() + "' is unreadable ("
                        + ex.getOriginalMessage() + "); replace it over the API or delete it from the store");
            }
        }
    }

    /** Starts the periodic work. */
    public void start() {
        scheduler.scheduleWithFixedDelay(this::tick, 1, 1, TimeUnit.SECONDS);
        shared.start(scheduler, sharedPoll);
        scheduler.scheduleWithFixedDelay(this::prune, 1, 60, TimeUnit.MINUTES);
    }

    private void tick() {
        try {
            providers.evaluateAll();
            drift.check();
        } catch (RuntimeException e) {
            LOG.warn("Evaluating provider degradation and drift failed ({}); it runs again in a second", e.toString());
        }
    }

    private void prune() {
        try {
            var before = state.now().minus(historyRetention);
            state.pruneHistory(GroupDegradation.HISTORY_KIND, before);
            state.pruneHistory(StateStoreBreakerHistory.KIND, before);
        } catch (RuntimeException e) {
            LOG.warn("Pruning provider history failed ({}); it is tried again in an hour", e.toString());
        }
    }

    /** The registry meters go to. */
    public MeterRegistry meters() {
        return meters;
    }

    /** The providers in force. */
    public Providers providers() {
        return providers;
    }

    /** Baselines and drift. */
    public DriftMonitor drift() {
        return drift;
    }

    /** The group specs in force, by name. */
    public Map<String, GroupSpec> groupSpecs() {
        return new TreeMap<>(groupSpecs);
    }

    /**
     * Replaces every group (all of them when {@code replaceAll}, else only those given), then
     * keeps the change in the store. Nothing changes when a spec is wrong.
     *
     * @throws ValidationException naming every bad field
     */
    public void putGroups(List<GroupSpec> groups, boolean replaceAll) {
        changes.lock();
        try {
            Map<String, GroupSpec> next = replaceAll ? new TreeMap<>() : new TreeMap<>(groupSpecs);
            for (GroupSpec g : groups) {
                next.put(g.name() == null ? "" : g.name(), g);
            }
            providers.apply(retrySpecs, List.copyOf(next.values()));
            for (String removed : groupSpecs.keySet()) {
                if (!next.containsKey(removed)) {
                    state.put(GROUP_KIND, removed, TOMBSTONE);
                }
            }
            for (GroupSpec g : groups) {
                state.put(GROUP_KIND, g.name(), json(g));
            }
            groupSpecs = next;
        } finally {
            changes.unlock();
        }
    }

    /**
     * Replaces the retry configs, then keeps them in the store. Nothing changes when a spec is
     * wrong or a provider names a config that would be gone.
     */
    public void putRetries(Map<String, RetrySpec> retries) {
        changes.lock();
        try {
            Map<String, RetrySpec> next = new TreeMap<>(retries);
            providers.apply(next, List.copyOf(groupSpecs.values()));
            for (String removed : retrySpecs.keySet()) {
                if (!next.containsKey(removed)) {
                    state.put(RETRY_KIND, removed, TOMBSTONE);
                }
            }
            next.forEach((n, r) -> state.put(RETRY_KIND, n, json(r)));
            retrySpecs = next;
        } finally {
            changes.unlock();
        }
    }

    private static String json(Object o) {
        try {
            return Json.mapper().writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** How {@code http} jobs with {@code url: group:NAME[/path]} call a provider group. */
    public io.bulwark.jobs.builtin.GroupCalls groupCalls() {
        return (group, method, path, headers, body) -> {
            ProviderGroup g;
            try {
                g = providers.requireGroup(group);
            } catch (java.util.NoSuchElementException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
            Map<String, List<String>> h = new LinkedHashMap<>();
            headers.forEach((k, v) -> h.put(k, List.of(v)));
            var request = new io.bulwark.providers.ProviderRequest(method, path, h,
                    body.getBytes(java.nio.charset.StandardCharsets.UTF_8), java.util.Optional.empty());
            try {
                var answer = g.call(request);
                return new io.bulwark.jobs.builtin.GroupCalls.Answer(answer.status(), answer.bodyText(),
                        answer.provider(), answer.degraded());
            } catch (io.bulwark.providers.ProviderGroupException e) {
                throw new java.io.IOException(e.getMessage(), e);
            }
        };
    }

    /** {@code /health}'s "providers" check: degraded while a group is degraded or a provider drifts. */
    public HealthCheck healthCheck() {
        return HealthCheck.of("providers", () -> {
            Map<String, Object> details = new LinkedHashMap<>();
            Map<String, Object> degraded = new TreeMap<>();
            for (ProviderGroup g : providers.groups().values()) {
                var s = g.degradation().state();
                if (s.degraded()) {
                    degraded.put(g.name(), s.reason());
                }
            }
            Map<String, List<String>> drifted = drift.drifted();
            details.put("groups", providers.groups().size());
            details.put("degradedGroups", degraded);
            details.put("driftingProviders", drifted);
            return degraded.isEmpty() && drifted.isEmpty() ? HealthResult.up(details) : HealthResult.degraded(details);
        });
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
