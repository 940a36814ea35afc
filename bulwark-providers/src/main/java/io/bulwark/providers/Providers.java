package io.bulwark.providers;

import io.bulwark.core.state.StateStore;
import io.bulwark.core.validation.Problems;
import io.bulwark.providers.degradation.GroupDegradation;
import io.bulwark.providers.queue.AdmissionQueue;
import io.bulwark.providers.queue.QueueTimer;
import io.bulwark.resilience.ResilienceClock;
import io.bulwark.resilience.breaker.BreakerHistoryStore;
import io.bulwark.resilience.breaker.CircuitBreaker;
import io.bulwark.resilience.breaker.SharedBreakerState;
import io.bulwark.resilience.bulkhead.Bulkhead;
import io.bulwark.resilience.bulkhead.BulkheadConfig;
import io.bulwark.resilience.retry.Retry;
import io.bulwark.resilience.timeout.Timeout;
import io.bulwark.resilience.timeout.TimeoutConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * Every provider group, provider and retry config, built from specs and replaced whole when
 * they change.
 *
 * <pre>{@code
 * Providers providers = Providers.builder().clock(clock).scheduler(scheduler).state(stateStore).build();
 * providers.apply(Map.of("default", RetrySpec.defaults()), List.of(llmGroupSpec));
 * ProviderResponse answer = providers.group("llm").orElseThrow().call(ProviderRequest.post(json));
 * }</pre>
 *
 * <h2>Design notes</h2>
 * {@link #apply} checks every spec first and changes nothing when one is wrong, naming each bad
 * field. Then it builds the new set and swaps it in with one volatile write, so a call sees the
 * old set or the new one, never a mix. A provider's breaker, retry budget, statistics and
 * degradation state outlive a change of its settings (taken by name from the set being replaced,
 * and reconfigured),
 * so changing a timeout does not close an open breaker or forget its history. Building happens
 * under a lock: changes are rare and must not interleave.
 */
public final class Providers {

    private record Snapshot(Map<String, ProviderGroup> groups, Map<String, Provider> providers,
                            Map<String, RetrySpec.RetrySettings> retries) {
    }

    private final ResilienceClock clock;
    private final ScheduledExecutorService scheduler;
    private final StateStore state;
    private final MeterRegistry registry;
    private final ProviderTransport transport;
    private final BreakerHistoryStore historyStore;
    private final SharedBreakerState sharedState;
    private final Map<String, Function<String, ProviderSelector>> strategies;
    private final ResponseCache cache;
    private final io.bulwark.resilience.retry.Sleeper sleeper;
    private final Duration statsBucket;
    private final int statsBuckets;
    private final ReentrantLock changes = new ReentrantLock();
    private final AtomicReference<Snapshot> current =
            new AtomicReference<>(new Snapshot(Map.of(), Map.of(), Map.of()));
    private final io.bulwark.resilience.ResilienceMetrics metrics;
    private final io.bulwark.ratelimit.ProviderLimits limits;
    private final io.bulwark.core.tracing.Tracing tracing;

    private Providers(Builder b) {
        this.tracing = b.tracing;
        this.clock = b.clock;
        this.scheduler = Objects.requireNonNull(b.scheduler, "scheduler must be set (timeouts are scheduled on it)");
        this.state = b.state == null ? StateStore.inMemory(b.clock.wall()) : b.state;
        this.registry = b.registry;
        this.transport = b.transport == null ? HttpProviderTransport.create(Duration.ofSeconds(10)) : b.transport;
        this.historyStore = b.historyStore;
        this.sharedState = b.sharedState;
        Map<String, Function<String, ProviderSelector>> all = new LinkedHashMap<>();
        ProviderSelector.BUILT_IN.forEach(n -> all.put(n, group -> BalancedSelector.of(group, n, clock::nanos)));
        all.putAll(b.strategies);
        this.strategies = Map.copyOf(all);
        this.cache = new ResponseCache(b.clock.wall(), b.answers != null ? b.answers : AnswerStore.inMemory(b.cacheEntries));
        this.sleeper = b.sleeper;
        this.metrics = new io.bulwark.resilience.ResilienceMetrics(b.registry);
        this.limits = io.bulwark.ratelimit.ProviderLimits.of(b.limiters != null ? b.limiters
                : io.bulwark.ratelimit.RateLimiterFactory.local(b.clock::nanos));
        this.statsBucket = b.statsBucket;
        this.statsBuckets = b.statsBuckets;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The strategy names groups may use. */
    public Set<String> strategies() {
        return new TreeSet<>(strategies.keySet());
    }

    /**
     * Checks {@code retrySpecs} and {@code groupSpecs} and, when all are right, makes them the
     * providers in force; otherwise changes nothing.
     *
     * @throws io.bulwark.core.validation.ValidationException naming every bad field
     */
    public void apply(Map<String, RetrySpec> retrySpecs, List<GroupSpec> groupSpecs) {
        changes.lock();
        try {
            Problems problems = new Problems();
            Map<String, RetrySpec.RetrySettings> retrySettings = new LinkedHashMap<>();
            Map<String, RetrySpec> withDefault = new LinkedHashMap<>();
            withDefault.put("default", RetrySpec.defaults());
            withDefault.putAll(retrySpecs);
            withDefault.forEach((name, spec) -> {
                String path = "retries." + name;
                ProviderSpec.checkName(problems, path, name);
                retrySettings.put(name, (spec == null ? RetrySpec.defaults() : spec).resolve(problems, path, clock.wall()));
            });
            List<GroupSettings> groups = new ArrayList<>();
            Set<String> groupNames = new TreeSet<>();
            Map<String, String> providerGroup = new LinkedHashMap<>();
            for (GroupSpec g : groupSpecs) {
                String path = "groups." + (g.name() == null ? "?" : g.name());
                GroupSettings settings = g.resolve(problems, path, strategies.keySet());
                if (g.name() != null && !groupNames.add(g.name())) {
                    problems.add(path + ".name", "group '" + g.name() + "' appears twice");
                }
                for (int i = 0; i < settings.providers().size(); i++) {
                    ProviderSettings p = settings.providers().get(i);
                    String other = p.name() == null ? null : providerGroup.putIfAbsent(p.name(), g.name());
                    if (other != null) {
                        problems.add(path + ".providers[" + i + "].name", "provider '" + p.name()
                                + "' is already in group '" + other + "'; provider names are unique across groups");
                    }
                    if (!retrySettings.containsKey(p.retry())) {
                        problems.add(path + ".providers[" + i + "].retry", "no retry config is named '" + p.retry()
                                + "'; there are " + retrySettings.keySet());
                    }
                }
                groups.add(settings);
            }
            problems.throwIfAny("invalid provider settings");
            Snapshot previous = current.get();
            current.set(build(previous, retrySettings, groups));
            forgetRemoved(previous);
        } finally {
            changes.unlock();
        }
    }

    /**
     * The new set. What outlives a change is taken from {@code previous}, by name: a provider's
     * breaker, retry (and budget), bulkhead, timeout and statistics; a group's degradation state,
     * and its selector while the strategy stays the same.
     */
    private Snapshot build(Snapshot previous, Map<String, RetrySpec.RetrySettings> retrySettings,
                           List<GroupSettings> groups) {
        Map<String, ProviderGroup> builtGroups = new LinkedHashMap<>();
        Map<String, Provider> builtProviders = new LinkedHashMap<>();
        for (GroupSettings g : groups) {
            List<Provider> members = new ArrayList<>();
            for (ProviderSettings p : g.providers()) {
                Provider provider = provider(p, retrySettings.get(p.retry()), previous.providers().get(p.name()));
                members.add(provider);
                builtProviders.put(p.name(), provider);
            }
            ProviderGroup old = previous.groups().get(g.name());
            ProviderSelector selector = old != null && old.settings().strategy().equals(g.strategy())
                    ? old.selector() : strategies.get(g.strategy()).apply(g.name());
            GroupDegradation degradation = old != null ? old.degradation() : new GroupDegradation(g.name(), state, registry);
            AdmissionQueue queue = old != null ? old.queue()
                    : new AdmissionQueue(g.name(), g.queue(), clock::nanos, QueueTimer.of(scheduler), registry);
            queue.reconfigure(g.queue());
            builtGroups.put(g.name(), new ProviderGroup(g, members, selector, degradation, cache, clock.wall(), clock::nanos, registry,
                    tracing, queue));
        }
        return new Snapshot(Map.copyOf(builtGroups), Map.copyOf(builtProviders), Map.copyOf(retrySettings));
    }

    private Provider provider(ProviderSettings p, RetrySpec.RetrySettings retrySettings, Provider previous) {
        CircuitBreaker breaker;
        Retry retry;
        ProviderStats stats;
        Timeout timeout;
        if (previous == null) {
            CircuitBreaker.Builder b = CircuitBreaker.builder(p.name()).config(p.breaker()).clock(clock);
            if (historyStore != null) {
                b.historyStore(historyStore);
            }
            if (sharedState != null && p.sharedBreaker()) {
                b.sharedState(sharedState);
            }
            breaker = b.build();
            retry = Retry.builder(p.name(), retrySettings.config()).clock(clock).scheduler(scheduler).sleeper(sleeper)
                    .budget(retrySettings.newBudget(p.name(), clock)).build();
            timeout = Timeout.of(p.name(), TimeoutConfig.of(p.timeout()), scheduler, clock);
            stats = new ProviderStats(clock.wall(), statsBucket, statsBuckets);
            metrics.bind(breaker).bind(retry).bind(timeout);
        } else {
            breaker = previous.breaker();
            breaker.reconfigure(p.breaker());
            retry = previous.retry();
            retry.reconfigure(retrySettings.config());
            timeout = previous.timeout();
            timeout.reconfigure(TimeoutConfig.of(p.timeout()));
            stats = previous.stats();
        }
        BulkheadConfig bulkheadConfig = BulkheadConfig.builder().maxConcurrentCalls(p.capacity())
                .maxWaitDuration(p.maxWait()).build();
        Bulkhead bulkhead = previous == null ? null : previous.bulkhead();
        if (bulkhead == null || !bulkhead.config().equals(bulkheadConfig)) {
            // A new capacity is a new bulkhead (calls in flight finish on the old one); its meters follow it.
            unbind("bulwark.bulkhead.", p.name());
            bulkhead = Bulkhead.of(p.name(), bulkheadConfig, clock);
            metrics.bind(bulkhead);
        }
        if (p.limit().isPresent()) {
            if (!limits.get(p.name()).equals(p.limit())) {
                limits.set(p.limit().get());
            }
        } else {
            limits.remove(p.name());
        }
        return new Provider(p, breaker, retry, bulkhead, timeout, transport, stats, clock::nanos, registry, limits, tracing);
    }

    /** Removes the meters named {@code prefix...} of instance {@code name}, so a replacement can bind its own. */
    private void unbind(String prefix, String name) {
        registry.getMeters().stream()
                .filter(m -> m.getId().getName().startsWith(prefix) && name.equals(m.getId().getTag("name")))
                .toList().forEach(registry::remove);
    }

    /** Unbinds the meters and drops the limits of providers that {@code previous} had and the new set has not. */
    private void forgetRemoved(Snapshot previous) {
        Map<String, Provider> now = current.get().providers();
        for (String gone : previous.providers().keySet()) {
            if (!now.containsKey(gone)) {
                for (String prefix : List.of("bulwark.breaker.", "bulwark.retry.", "bulwark.bulkhead.", "bulwark.timeout")) {
                    unbind(prefix, gone);
                }
                limits.remove(gone);
            }
        }
    }

    /** Every group, by name. */
    public Map<String, ProviderGroup> groups() {
        return new java.util.TreeMap<>(current.get().groups());
    }

    /** One group. */
    public Optional<ProviderGroup> group(String name) {
        return Optional.ofNullable(current.get().groups().get(name));
    }

    /**
     * One group.
     *
     * @throws java.util.NoSuchElementException naming the groups there are
     */
    public ProviderGroup requireGroup(String name) {
        return group(name).orElseThrow(() -> new java.util.NoSuchElementException(
                "no provider group is named '" + name + "'; there are " + groups().keySet()));
    }

    /** Every provider, by name. */
    public Map<String, Provider> providers() {
        return new java.util.TreeMap<>(current.get().providers());
    }

    /** One provider. */
    public Optional<Provider> provider(String name) {
        return Optional.ofNullable(current.get().providers().get(name));
    }

    /** Every retry config in force, by name ({@code default} always among them). */
    public Map<String, RetrySpec.RetrySettings> retryConfigs() {
        return new java.util.TreeMap<>(current.get().retries());
    }

    /** Evaluates every group's degradation triggers now (the server calls this every second). */
    public void evaluateAll() {
        current.get().groups().values().forEach(ProviderGroup::evaluate);
    }

    /** The state store history and baselines are kept in. */
    public StateStore state() {
        return state;
    }

    /** Collects what {@link Providers} is made of. */
    public static final class Builder {
        private ResilienceClock clock = ResilienceClock.system();
        private ScheduledExecutorService scheduler;
        private io.bulwark.ratelimit.RateLimiterFactory limiters;
        private StateStore state;
        private MeterRegistry registry = new SimpleMeterRegistry();
        private ProviderTransport transport;
        private BreakerHistoryStore historyStore;
        private SharedBreakerState sharedState;
        private final Map<String, Function<String, ProviderSelector>> strategies = new LinkedHashMap<>();
        private long cacheEntries = 10_000;
        private AnswerStore answers;
        private io.bulwark.resilience.retry.Sleeper sleeper = io.bulwark.resilience.retry.Sleeper.threadSleep();
        private Duration statsBucket = Duration.ofSeconds(10);
        private int statsBuckets = 61;
        private io.bulwark.core.tracing.Tracing tracing = io.bulwark.core.tracing.Tracing.noop();

        private Builder() {
        }

        /**
         * Traces group calls ({@code group <name>}, with the chosen provider) and provider calls
         * ({@code provider <name>}, one event per attempt). Off by default.
         */
        public Builder tracing(io.bulwark.core.tracing.Tracing value) {
            tracing = Objects.requireNonNull(value, "tracing");
            return this;
        }

        /** Wall time and the nanosecond ticker (default: the system's). */
        public Builder clock(ResilienceClock value) {
            clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        /** Where timeouts' interrupts and async retries are scheduled (required). */
        public Builder scheduler(ScheduledExecutorService value) {
            scheduler = Objects.requireNonNull(value, "scheduler");
            return this;
        }

        /** Where degradation history and baselines are kept (default: in memory). */
        public Builder state(StateStore value) {
            state = Objects.requireNonNull(value, "state");
            return this;
        }

        /** Where metrics go (default: a registry of its own). */
        public Builder meterRegistry(MeterRegistry value) {
            registry = Objects.requireNonNull(value, "registry");
            return this;
        }

        /** How requests reach providers (default: the JDK's HTTP client). */
        public Builder transport(ProviderTransport value) {
            transport = Objects.requireNonNull(value, "transport");
            return this;
        }

        /** Where breakers keep their transitions (default: in each breaker's memory only). */
        public Builder breakerHistory(BreakerHistoryStore value) {
            historyStore = Objects.requireNonNull(value, "historyStore");
            return this;
        }

        /** The cluster-wide breaker state used by providers whose breaker is {@code shared}. */
        public Builder sharedBreakerState(SharedBreakerState value) {
            sharedState = Objects.requireNonNull(value, "sharedState");
            return this;
        }

        /**
         * Adds a selection strategy by name, e.g. a load-balancing strategy; the factory gets the
         * group's name and makes one selector per group.
         */
        public Builder strategy(String name, Function<String, ProviderSelector> factory) {
            strategies.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(factory, "factory"));
            return this;
        }

        /** How retries wait between attempts (default: the thread sleeps); tests pass a recording one. */
        /**
         * Builds providers' rate and cost limiters (default: each process its own); a distributed
         * factory (Redis) makes every node share each provider's limits.
         */
        public Builder limiters(io.bulwark.ratelimit.RateLimiterFactory value) {
            limiters = Objects.requireNonNull(value, "limiters");
            return this;
        }

        public Builder sleeper(io.bulwark.resilience.retry.Sleeper value) {
            sleeper = Objects.requireNonNull(value, "sleeper");
            return this;
        }

        /**
         * Where the cache action keeps last good answers (default: in this process, at most
         * {@link #cacheEntries} of them); a shared store lets every node serve what any node received.
         */
        public Builder answers(AnswerStore value) {
            answers = java.util.Objects.requireNonNull(value, "answers");
            return this;
        }

        /** How many last good answers the cache action keeps (default 10,000). */
        public Builder cacheEntries(long value) {
            if (value < 0) {
                throw new IllegalArgumentException("cacheEntries must be >= 0 but was " + value);
            }
            cacheEntries = value;
            return this;
        }

        /** The provider series: bucket width and count (default 10s × 61, ten minutes). */
        public Builder statsSeries(Duration bucket, int buckets) {
            statsBucket = Objects.requireNonNull(bucket, "bucket");
            statsBuckets = buckets;
            return this;
        }

        public Providers build() {
            return new Providers(this);
        }
    }
}
