package io.bulwark.server.internal.rollouts;

import com.fasterxml.jackson.databind.JsonNode;
import io.bulwark.core.config.ConfigKey;
import io.bulwark.core.config.ValueTypes;
import io.bulwark.core.events.EventLog;
import io.bulwark.core.events.Severity;
import io.bulwark.core.json.Json;
import io.bulwark.core.state.StateEntry;
import io.bulwark.core.state.StateStore;
import io.bulwark.deploy.rollout.InvalidRolloutException;
import io.bulwark.deploy.rollout.Measurement;
import io.bulwark.deploy.rollout.MetricSourceFactory;
import io.bulwark.deploy.rollout.RolloutActionException;
import io.bulwark.deploy.rollout.RolloutCatalog;
import io.bulwark.deploy.rollout.RolloutController;
import io.bulwark.deploy.rollout.RolloutListener;
import io.bulwark.deploy.rollout.RolloutPhase;
import io.bulwark.deploy.rollout.RolloutSpec;
import io.bulwark.deploy.rollout.RolloutSpecs;
import io.bulwark.deploy.rollout.RolloutState;
import io.bulwark.deploy.rollout.TrafficDriver;
import io.bulwark.deploy.rollout.Transition;
import io.bulwark.server.auth.Role;
import io.bulwark.server.capability.Capability;
import io.bulwark.server.capability.CapabilityFactory;
import io.bulwark.server.capability.ServerContext;
import io.bulwark.server.http.ApiException;
import io.bulwark.server.http.ApiRoutes;
import io.bulwark.server.http.FieldError;
import io.bulwark.server.http.RouteDoc;
import io.bulwark.server.internal.balancer.BalancerCapability;
import io.bulwark.server.internal.cluster.ClusterCapability;
import io.bulwark.server.internal.events.EventsCapability;
import io.javalin.http.Context;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Progressive delivery in the server: rollouts kept in the state store (kind {@code rollout}, one
 * document per rollout with its definition and {@link RolloutState}; each transition appended to
 * its history), advanced every {@code rollouts.interval} by the fleet's leader (or this node when
 * there is no fleet), so a restarted or new leader carries on at the same step and weight.
 * Transitions are published as events of kind {@code rollout.<phase>} (webhooks through the events
 * capability). REST under {@code /api/v1/rollouts}; metrics {@code bulwark_rollout_weight{rollout}},
 * {@code bulwark_rollout_transitions_total{rollout,phase}},
 * {@code bulwark_rollout_analysis_measurements_total{rollout,metric,phase}}.
 *
 * <p>Every write of a rollout's document is a compare-and-set on the version it was read at
 * ({@link StateStore#putIfVersion}), so an action taken on any node and the leader's timer never
 * overwrite each other's change: the one that loses reads the document again (an action is
 * applied once more on the fresh state, then 409; the leader puts its driver back to the stored
 * weight). Transitions and measurements are recorded, published and counted only once their
 * state is written.
 *
 * <p>Drivers and metric providers come from maps this class fills: {@code bulwark} (this
 * server's load-balancer groups, this server's meters). Others are added here when their
 * classes are on the class path.
 */
public final class RolloutsCapability implements Capability {

    private static final Logger LOG = LoggerFactory.getLogger(RolloutsCapability.class);
    static final String KIND = "rollout";

    /** {@code rollouts.interval}. */
    public static final ConfigKey<Duration> INTERVAL = ConfigKey
            .builder("rollouts.interval", ValueTypes.duration(Duration.ofMillis(50), Duration.ofMinutes(10)))
            .defaultValue(Duration.ofSeconds(5))
            .description("How often the leader advances active rollouts (pause ends, analysis measurements, driver retries).")
            .build();

    /** Always made: rollouts need only the state store. */
    public static final class Factory implements CapabilityFactory {
        @Override
        public String name() {
            return "rollouts";
        }

        @Override
        public List<ConfigKey<?>> configKeys() {
            return List.of(INTERVAL);
        }

        @Override
        public Optional<Capability> create(ServerContext ctx) {
            Map<String, TrafficDriver.Factory> drivers = new LinkedHashMap<>();
            // The bulwark driver: over a load-balancer group (driver.group) or a provider group
            // (driver.providerGroup), whichever the settings name.
            Optional<TrafficDriver.Factory> groups = ctx.capability(BalancerCapability.class)
                    .map(b -> BalancerDriver.factory(b.runtime().registry()));
            Optional<io.bulwark.server.internal.resilience.ResilienceRuntime> resilience = ctx.capability(
                    io.bulwark.server.internal.resilience.ResilienceCapability.class)
                    .map(io.bulwark.server.internal.resilience.ResilienceCapability::runtime);
            drivers.put("bulwark", new TrafficDriver.Factory() {
                @Override
                public String type() {
                    return "bulwark";
                }

                @Override
                public TrafficDriver create(Map<String, Object> settings) {
                    if (settings.containsKey("providerGroup")) {
                        return ProviderGroupDriver.create(resilience.orElseThrow(() -> new IllegalArgumentException(
                                "driver.providerGroup: this server has no provider groups")), settings);
                    }
                    return groups.orElseThrow(() -> new IllegalArgumentException("driver.group: this server has no "
                            + "load-balancer groups")).create(settings);
                }
            });
            Map<String, MetricSourceFactory> providers = new LinkedHashMap<>();
            MeterSource own = new MeterSource(ctx.meters());
            providers.put("bulwark", new MetricSourceFactory() {
                @Override
                public String provider() {
                    return "bulwark";
                }

                @Override
                public io.bulwark.deploy.rollout.MetricSource create(Map<String, Object> settings) {
                    if (!settings.isEmpty()) {
                        throw new IllegalArgumentException("takes only a query, not " + settings.keySet());
                    }
                    return own;
                }
            });
            providers.put(io.bulwark.deploy.rollout.prometheus.PrometheusSource.PROVIDER, new MetricSourceFactory() {
                @Override
                public String provider() {
                    return io.bulwark.deploy.rollout.prometheus.PrometheusSource.PROVIDER;
                }

                @Override
                public io.bulwark.deploy.rollout.MetricSource create(Map<String, Object> settings) {
                    Object address = settings.get("address");
                    java.util.Set<String> unknown = new java.util.TreeSet<>(settings.keySet());
                    unknown.remove("address");
                    if (!unknown.isEmpty()) {
                        throw new IllegalArgumentException("takes only address (and the query), not " + unknown);
                    }
                    java.net.URI uri;
                    try {
                        uri = address == null ? null : java.net.URI.create(String.valueOf(address));
                    } catch (IllegalArgumentException e) {
                        uri = null;
                    }
                    if (uri == null || uri.getHost() == null
                            || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
                        throw new IllegalArgumentException("address must be Prometheus' http(s) URL, e.g. "
                                + "http://prometheus:9090, but was " + (address == null ? "missing" : "'" + address + "'"));
                    }
                    return io.bulwark.deploy.rollout.prometheus.PrometheusSource.of(uri);
                }
            });
            drivers.put(io.bulwark.deploy.rollout.nginx.NginxDriver.TYPE, new io.bulwark.deploy.rollout.nginx.NginxDriver.Factory());
            // One Kubernetes client for every rollout, made when the first kubernetes or istio rollout starts
            // (from ~/.kube/config or the pod's service account), so a server without a cluster starts as before.
            java.util.function.Supplier<io.fabric8.kubernetes.client.KubernetesClient> kube = new java.util.function.Supplier<>() {
                private io.fabric8.kubernetes.client.KubernetesClient client;

                @Override
                public synchronized io.fabric8.kubernetes.client.KubernetesClient get() {
                    if (client == null) {
                        client = new io.fabric8.kubernetes.client.KubernetesClientBuilder().build();
                    }
                    return client;
                }
            };
            drivers.put(io.bulwark.kubernetes.rollout.KubernetesServiceDriver.TYPE,
                    new io.bulwark.kubernetes.rollout.KubernetesServiceDriver.Factory(kube));
            drivers.put(io.bulwark.kubernetes.rollout.IstioDriver.TYPE, new io.bulwark.kubernetes.rollout.IstioDriver.Factory(kube));
            BooleanSupplier leader = ctx.capability(ClusterCapability.class)
                    .<BooleanSupplier>map(c -> () -> c.node().isLeader()).orElse(() -> true);
            Optional<EventLog> events = ctx.capability(EventsCapability.class).map(EventsCapability::log);
            return Optional.of(new RolloutsCapability(RolloutCatalog.of(drivers, providers), ctx.state(), ctx.clock(),
                    ctx.meters(), events.orElse(null), leader, ctx.config().get(INTERVAL)));
        }
    }

    private final RolloutCatalog catalog;
    private final StateStore store;
    private final InstantSource clock;
    private final MeterRegistry meters;
    private final EventLog events;
    private final BooleanSupplier leader;
    private final Duration interval;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, Loaded> loaded = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> weights = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer =
            Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("bulwark-rollouts").daemon(true).factory());
    private volatile String lastProblem;
    /** Recording, events and meters of the transitions being made; run once their state is written (under {@link #lock}). */
    private final List<Runnable> pending = new ArrayList<>();

    private record Loaded(String definition, RolloutController controller, TrafficDriver driver) {
    }

    RolloutsCapability(RolloutCatalog catalog, StateStore store, InstantSource clock, MeterRegistry meters,
                       EventLog events, BooleanSupplier leader, Duration interval) {
        this.catalog = catalog;
        this.store = store;
        this.clock = clock;
        this.meters = meters;
        this.events = events;
        this.leader = leader;
        this.interval = interval;
    }

    @Override
    public String name() {
        return "rollouts";
    }

    @Override
    public void start() {
        timer.scheduleWithFixedDelay(this::tick, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Advances every active rollout, on the leader only; never throws. */
    void tick() {
        if (!leader.getAsBoolean()) {
            return;
        }
        lock.lock();
        try {
            for (StateEntry e : store.list(KIND)) {
                Stored s = Stored.read(e.json());
                if (s.state().phase().ended() && s.state().weight() == s.state().targetWeight() && inSync(e.name(), s)) {
                    continue;
                }
                pending.clear();
                RolloutController c = controller(e.name(), s);
                RolloutState after = c.advance();
                if (after.equals(s.state())) {
                    pending.clear(); // nothing changed (a pause still waiting): no write, so no race with actions
                } else if (!save(after, s.definition(), e.version())) {
                    resync(e.name());
                }
            }
            if (lastProblem != null) {
                LOG.info("Rollouts advance again");
                lastProblem = null;
            }
        } catch (RuntimeException ex) {
            if (!java.util.Objects.equals(ex.toString(), lastProblem)) {
                lastProblem = ex.toString();
                LOG.warn("Rollouts could not advance: {}; the leader tries again in {}", ex, interval);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Whether the controller in memory (if any) is at the stored state: otherwise another node acted since. */
    private boolean inSync(String name, Stored s) {
        Loaded l = loaded.get(name);
        return l == null || (l.definition().equals(s.definition())
                && java.util.Objects.equals(l.controller().state().updatedAt(), s.state().updatedAt()));
    }

    /**
     * After the leader lost a write to another node's (an action there since it read the rollout):
     * its advance is dropped, and its driver goes back to what the stored state says, since the
     * advance may have moved it. What the leader had to do is done again on the next tick.
     */
    private void resync(String name) {
        LOG.info("Rollout {} changed on another node while this one advanced it; its advance is dropped", name);
        store.get(KIND, name).ifPresent(fresh -> {
            Stored s = Stored.read(fresh.json());
            RolloutController c = controller(name, s); // a new controller: its first advance sets the driver again
            RolloutState synced = c.advance();
            if (!synced.equals(s.state()) && !save(synced, s.definition(), fresh.version())) {
                loaded.remove(name);
            }
        });
    }

    /** The controller for a stored rollout: the one in memory, unless the store holds a newer state. */
    private RolloutController controller(String name, Stored s) {
        Loaded l = loaded.get(name);
        if (l != null && l.definition().equals(s.definition())
                && java.util.Objects.equals(l.controller().state().updatedAt(), s.state().updatedAt())) {
            return l.controller();
        }
        if (l != null) {
            l.driver().close();
        }
        RolloutSpec spec = RolloutSpecs.parse(s.definition());
        TrafficDriver driver = catalog.driver(spec);
        RolloutController c = RolloutController.resume(spec, s.state(), driver, catalog.sources(), clock, listener());
        loaded.put(name, new Loaded(s.definition(), c, driver));
        return c;
    }

    /**
     * Writes {@code state} if the document is still at {@code expectedVersion} (0: not stored yet),
     * then runs what waited for it ({@link #pending}); false, dropping those, when another node wrote
     * it first.
     */
    private boolean save(RolloutState state, String definition, long expectedVersion) {
        if (store.putIfVersion(KIND, state.name(), new Stored(definition, state).json(), expectedVersion).isEmpty()) {
            pending.clear();
            return false;
        }
        List<Runnable> due = List.copyOf(pending);
        pending.clear();
        due.forEach(Runnable::run);
        weights.computeIfAbsent(state.name(), n -> {
            AtomicInteger w = new AtomicInteger();
            Gauge.builder("bulwark.rollout.weight", w, AtomicInteger::get).tag("rollout", n)
                    .description("The share of traffic, 0 to 100, a rollout's driver sends to the new version")
                    .register(meters);
            return w;
        }).set(state.weight());
        return true;
    }

    private RolloutListener listener() {
        return new RolloutListener() {
            @Override
            public void onTransition(RolloutState state, Transition t) {
                pending.add(() -> published(state, t));
            }

            private void published(RolloutState state, Transition t) {
                String phase = t.phase().name().toLowerCase(Locale.ROOT);
                Counter.builder("bulwark.rollout.transitions").tag("rollout", state.name()).tag("phase", phase)
                        .description("Rollout transitions by the phase after them").register(meters).increment();
                try {
                    store.append(KIND, state.name(), Json.mapper().writeValueAsString(t));
                } catch (Exception e) {
                    LOG.warn("Rollout {}: could not record transition '{}': {}", state.name(), t.reason(), e.toString());
                }
                if (events != null) {
                    Severity severity = t.phase() == RolloutPhase.DEGRADED ? Severity.WARNING : Severity.INFO;
                    events.publish("rollout." + phase, severity, state.name(), "Rollout " + state.name() + " step "
                                    + t.step() + ", weight " + t.weight() + ": " + t.reason(),
                            Map.of("rollout", state.name()), null, false);
                }
                LOG.info("Rollout {} [{} step {} weight {}]: {}", state.name(), t.phase(), t.step(), t.weight(), t.reason());
            }

            @Override
            public void onMeasurement(String rollout, String metric, Measurement m) {
                pending.add(() -> Counter.builder("bulwark.rollout.analysis.measurements").tag("rollout", rollout).tag("metric", metric)
                        .tag("phase", m.phase().name().toLowerCase(Locale.ROOT))
                        .description("Analysis measurements by their phase").register(meters).increment());
            }
        };
    }

    @Override
    public void routes(ApiRoutes routes) {
        routes.post("/api/v1/rollouts", this::create, Role.OPERATOR, RouteDoc.of("Start a rollout")
                .describe("The body is a rollout definition (JSON, or YAML): name, strategy (canary steps or blueGreen), "
                        + "driver, analyses. Every problem is reported at once, each naming its field; nothing starts "
                        + "unless there is none. See docs/rollouts.md.")
                .body(RouteDoc.Body.of(JsonNode.class, "the rollout definition"))
                .answers(201, "the rollout's state after its first step").errors(400, 409));
        routes.get("/api/v1/rollouts", this::list, Role.VIEWER, RouteDoc.of("Rollouts")
                .describe("Every rollout in the store, active and ended: name, strategy, phase, step, weight, message.")
                .answers(200, "`{\"rollouts\":[...]}`"));
        routes.get("/api/v1/rollouts/{name}", this::show, Role.VIEWER, RouteDoc.of("One rollout")
                .path("name", "the rollout")
                .describe("Its steps, current step and weight, the analysis runs with every measurement, and its history.")
                .answers(200, "the rollout's state").errors(404));
        for (String action : List.of("promote", "abort", "pause", "resume", "retry")) {
            RouteDoc doc = RouteDoc.of(switch (action) {
                        case "promote" -> "Promote a rollout: skip its remaining steps, all traffic to the new version";
                        case "abort" -> "Abort a rollout: all traffic back to the stable version at once";
                        case "pause" -> "Pause a progressing rollout at its step";
                        case "resume" -> "Resume a paused rollout";
                        default -> "Retry an aborted rollout from step 0";
                    }).path("name", "the rollout")
                    .describe("409 names the phase when the action does not apply to it.")
                    .answers(200, "the rollout's state after the action").errors(404, 409);
            routes.post("/api/v1/rollouts/{name}/" + action, ctx -> act(ctx, action), Role.OPERATOR,
                    action.equals("abort") ? doc.query("reason", String.class, "why, kept in the rollout's history") : doc);
        }
    }

    private void create(Context ctx) {
        String body = ctx.body();
        RolloutSpec spec;
        try {
            spec = catalog.parseAndValidate(body);
        } catch (InvalidRolloutException e) {
            throw ApiException.validation("invalid rollout definition", e.errors().stream()
                    .map(x -> new FieldError(x.field(), x.message())).toList());
        }
        lock.lock();
        try {
            pending.clear();
            Optional<StateEntry> existing = store.get(KIND, spec.name());
            if (existing.isPresent()) {
                RolloutPhase phase = Stored.read(existing.get().json()).state().phase();
                if (!phase.ended()) {
                    throw ApiException.conflict("rollout '" + spec.name() + "' is active (phase " + phase
                            + "); promote or abort it before starting it again");
                }
            }
            Loaded old = loaded.remove(spec.name());
            if (old != null) {
                old.driver().close();
            }
            TrafficDriver driver = catalog.driver(spec);
            RolloutController c = RolloutController.start(spec, driver, catalog.sources(), clock, listener());
            loaded.put(spec.name(), new Loaded(body, c, driver));
            RolloutState s = leader.getAsBoolean() ? c.advance() : c.state();
            if (!save(s, body, existing.map(StateEntry::version).orElse(0L))) {
                loaded.remove(spec.name());
                throw ApiException.conflict("rollout '" + spec.name() + "' was started or changed on another node at the "
                        + "same time; see GET /api/v1/rollouts/" + spec.name());
            }
            ctx.status(201).json(s);
        } finally {
            lock.unlock();
        }
    }

    private void list(Context ctx) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (StateEntry e : store.list(KIND)) {
            RolloutState s = Stored.read(e.json()).state();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", s.name());
            m.put("strategy", s.strategy());
            m.put("phase", s.phase());
            m.put("step", s.step());
            m.put("steps", s.steps().size());
            m.put("weight", s.weight());
            m.put("message", s.message());
            m.put("updatedAt", s.updatedAt());
            out.add(m);
        }
        ctx.json(Map.of("rollouts", out));
    }

    private void show(Context ctx) {
        ctx.json(stored(name(ctx)).state());
    }

    /** The {@code {name}} path parameter, refused with a 400 unless a rollout could have it. */
    private static String name(Context ctx) {
        String name = ctx.pathParam("name");
        if (!RolloutSpec.NAME.matcher(name).matches()) {
            throw ApiException.validation("invalid rollout name", List.of(new FieldError("name",
                    RolloutSpec.NAME_RULE + ", but was '"
                            + io.bulwark.core.logging.LogText.safe(name, 100) + "'")));
        }
        return name;
    }

    /**
     * Applies an action on the rollout as stored, and writes it if nobody wrote the rollout since it
     * was read; when the leader (or another node) did, applies it once more on the fresh state, then
     * answers 409.
     */
    private void act(Context ctx, String action) {
        String name = name(ctx);
        lock.lock();
        try {
            for (int attempt = 1; attempt <= 2; attempt++) {
                pending.clear();
                StateEntry e = store.get(KIND, name).orElseThrow(() -> ApiException.notFound("no rollout '" + name + "'"));
                Stored s = Stored.read(e.json());
                RolloutController c = controller(name, s);
                RolloutState after;
                try {
                    after = switch (action) {
                        case "promote" -> c.promote();
                        case "abort" -> c.abort(ctx.queryParam("reason"));
                        case "pause" -> c.pause();
                        case "resume" -> c.resume();
                        default -> c.retry();
                    };
                } catch (RolloutActionException ex) {
                    pending.clear();
                    throw ApiException.conflict(ex.getMessage());
                }
                if (save(after, s.definition(), e.version())) {
                    ctx.json(after);
                    return;
                }
                LOG.info("Rollout {}: {} lost the race with a write on another node (attempt {}); reading it again",
                        name, action, attempt);
            }
            throw ApiException.conflict("rollout '" + name + "' changed on another node while " + action
                    + " was applied, twice; read it again and retry");
        } finally {
            lock.unlock();
        }
    }

    private Stored stored(String name) {
        return store.get(KIND, name).map(e -> Stored.read(e.json()))
                .orElseThrow(() -> ApiException.notFound("no rollout '" + name + "'"));
    }

    @Override
    public void close() {
        timer.shutdownNow();
        lock.lock();
        try {
            loaded.values().forEach(l -> l.driver().close());
            loaded.clear();
        } finally {
            lock.unlock();
        }
    }

    /** The stored document: the definition as sent and the state. */
    record Stored(String definition, RolloutState state) {
        static Stored read(String json) {
            try {
                JsonNode n = Json.mapper().readTree(json);
                return new Stored(n.get("definition").asText(), Json.mapper().treeToValue(n.get("state"), RolloutState.class));
            } catch (Exception e) {
                throw new IllegalStateException("a stored rollout could not be read: " + e.getMessage(), e);
            }
        }

        String json() {
            try {
                return Json.mapper().writeValueAsString(Map.of("definition", definition, "state", state));
            } catch (Exception e) {
                throw new IllegalStateException("rollout " + state.name() + " could not be written: " + e.getMessage(), e);
            }
        }
    }
}
