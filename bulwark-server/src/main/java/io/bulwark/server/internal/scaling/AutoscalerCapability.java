package io.bulwark.server.internal.scaling;

import com.fasterxml.jackson.databind.JsonNode;
import io.bulwark.cluster.ClusterNode;
import io.bulwark.cluster.NodeRole;
import io.bulwark.cluster.NodeState;
import io.bulwark.core.config.BulwarkConfig;
import io.bulwark.core.config.ConfigKey;
import io.bulwark.core.json.Json;
import io.bulwark.core.state.StateRecord;
import io.bulwark.core.state.StateStore;
import io.bulwark.jobs.store.JobStore;
import io.bulwark.jobs.store.QueueCounts;
import io.bulwark.kubernetes.scaling.KubernetesScaleDriver;
import io.bulwark.scaling.Autoscaler;
import io.bulwark.scaling.AutoscalerPolicy;
import io.bulwark.scaling.Decision;
import io.bulwark.scaling.MetricTarget;
import io.bulwark.scaling.Observation;
import io.bulwark.scaling.PolicyDocument;
import io.bulwark.scaling.ScaleDriver;
import io.bulwark.scaling.ScaleDrivers;
import io.bulwark.scaling.ScalingRules;
import io.bulwark.server.ScalingKeys;
import io.bulwark.server.StartupException;
import io.bulwark.server.auth.Role;
import io.bulwark.server.capability.Capability;
import io.bulwark.server.capability.CapabilityFactory;
import io.bulwark.server.capability.ServerContext;
import io.bulwark.server.http.ApiException;
import io.bulwark.server.http.ApiRoutes;
import io.bulwark.server.http.FieldError;
import io.bulwark.server.http.RouteDoc;
import io.bulwark.server.internal.cluster.ClusterCapability;
import io.javalin.http.Context;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The autoscaler ({@code scaling.autoscaler.*}): on the fleet's leader, every interval, the waiting
 * (available) jobs of the configured queues against a target per worker, decided with the HPA's
 * semantics ({@link Autoscaler}) and applied through a driver (dry-run, Kubernetes' scale
 * subresource, a command). Each decision is kept in the state store's history (kind
 * {@code scaling}, name {@code decisions}), so any node lists them and they survive restarts.
 * {@code GET /api/v1/scaling}, {@code GET /api/v1/scaling/decisions}; metrics
 * {@code bulwark_scaling_replicas{kind=current|desired}} and {@code bulwark_scaling_decisions_total{rule,applied}}.
 */
public final class AutoscalerCapability implements Capability {

    private static final Logger LOG = LoggerFactory.getLogger(AutoscalerCapability.class);
    static final String KIND = "scaling";
    static final String NAME = "decisions";
    static final String METRIC = PolicyDocument.WAITING_JOBS;
    static final String POLICY = "policy";

    /** The body of {@code PUT /api/v1/scaling/policy}, for the API reference; read through {@link PolicyDocument}. */
    record PolicyBody(Integer minReplicas, Integer maxReplicas, Double waitingJobsPerWorker, Double tolerance,
                      Map<String, Object> behavior) {
    }

    /** Made when a job store and the cluster exist; decides only when {@code scaling.autoscaler.enabled}. */
    public static final class Factory implements CapabilityFactory {
        @Override
        public String name() {
            return "autoscaler";
        }

        @Override
        public List<ConfigKey<?>> configKeys() {
            return ScalingKeys.AUTOSCALER;
        }

        @Override
        public Optional<Capability> create(ServerContext ctx) {
            Optional<JobStore> jobs = ctx.jobStore();
            Optional<ClusterCapability> cluster = ctx.capability(ClusterCapability.class);
            BulwarkConfig config = ctx.config();
            boolean enabled = config.get(ScalingKeys.AUTOSCALER_ENABLED);
            if (jobs.isEmpty() || cluster.isEmpty()) {
                if (enabled) {
                    throw new StartupException("scaling.autoscaler.enabled needs a job store and the fleet (a node that "
                            + "runs jobs); this server has none");
                }
                return Optional.empty();
            }
            int min = config.get(ScalingKeys.AUTOSCALER_MIN);
            int max = config.get(ScalingKeys.AUTOSCALER_MAX);
            if (max < Math.max(1, min)) {
                throw new StartupException("scaling.autoscaler.maxReplicas (" + max + ") must be >= "
                        + "scaling.autoscaler.minReplicas (" + min + ") and >= 1");
            }
            List<MetricTarget> targets = new ArrayList<>(List.of(MetricTarget.averageValue(METRIC,
                    config.get(ScalingKeys.AUTOSCALER_WAITING_PER_WORKER))));
            config.find(ScalingKeys.AUTOSCALER_CPU_PERCENT).ifPresent(v -> targets.add(MetricTarget.utilization(
                    PolicyDocument.CPU, v)));
            config.find(ScalingKeys.AUTOSCALER_MEMORY_PERCENT).ifPresent(v -> targets.add(MetricTarget.utilization(
                    PolicyDocument.MEMORY, v)));
            config.find(ScalingKeys.AUTOSCALER_REQUESTS_PER_SECOND).ifPresent(v -> targets.add(MetricTarget.averageValue(
                    PolicyDocument.REQUESTS, v)));
            config.find(ScalingKeys.AUTOSCALER_ERROR_PERCENT).ifPresent(v -> targets.add(MetricTarget.value(
                    PolicyDocument.ERRORS, v)));
            config.find(ScalingKeys.AUTOSCALER_QUEUE_LAG_SECONDS).ifPresent(v -> targets.add(MetricTarget.value(
                    PolicyDocument.QUEUE_LAG, v)));
            new java.util.TreeMap<>(config.getAll(ScalingKeys.AUTOSCALER_QUEUE_WAITING)).forEach((key, v) -> targets.add(
                    MetricTarget.averageValue(PolicyDocument.WAITING_JOBS + PolicyDocument.OF_QUEUE + queueOf(key), v)));
            new java.util.TreeMap<>(config.getAll(ScalingKeys.AUTOSCALER_QUEUE_LAG)).forEach((key, v) -> targets.add(
                    MetricTarget.value(PolicyDocument.QUEUE_LAG + PolicyDocument.OF_QUEUE + queueOf(key), v)));
            AutoscalerPolicy policy = new AutoscalerPolicy(min, max, targets, config.get(ScalingKeys.AUTOSCALER_TOLERANCE),
                    ScalingRules.defaultScaleUp(), new ScalingRules(config.get(ScalingKeys.AUTOSCALER_DOWN_WINDOW),
                    ScalingRules.Select.MAX, ScalingRules.defaultScaleDown().policies()));
            ClusterNode node = cluster.get().node();
            ScaleDriver driver = driver(config, () -> workers(node));
            Set<String> queues = config.find(ScalingKeys.AUTOSCALER_QUEUES).map(q -> Arrays.stream(q.split(","))
                    .map(String::strip).filter(x -> !x.isEmpty()).collect(Collectors.toSet())).orElse(Set.of());
            return Optional.of(new AutoscalerCapability(enabled, new Autoscaler(policy, ctx.clock()), driver, node,
                    jobs.get(), ctx.state(), queues, config.get(ScalingKeys.AUTOSCALER_INTERVAL), ctx.meters(),
                    ctx.bodyLimit(), config.get(ScalingKeys.MONITOR_PUBLISH)));
        }

        private static ScaleDriver driver(BulwarkConfig config, java.util.function.IntSupplier fleet) {
            return switch (config.get(ScalingKeys.AUTOSCALER_DRIVER)) {
                case "kubernetes" -> {
                    String deployment = config.find(ScalingKeys.AUTOSCALER_DEPLOYMENT).orElseThrow(() ->
                            new StartupException("scaling.autoscaler.driver is kubernetes but "
                                    + "scaling.autoscaler.kubernetes.deployment is not set: name the worker deployment"));
                    yield new KubernetesScaleDriver(new io.fabric8.kubernetes.client.KubernetesClientBuilder().build(),
                            config.get(ScalingKeys.AUTOSCALER_NAMESPACE), deployment,
                            config.get(ScalingKeys.AUTOSCALER_KIND).equals("statefulset")
                                    ? KubernetesScaleDriver.Kind.STATEFULSET : KubernetesScaleDriver.Kind.DEPLOYMENT);
                }
                case "command" -> ScaleDrivers.command(List.of(config.find(ScalingKeys.AUTOSCALER_COMMAND)
                        .orElseThrow(() -> new StartupException("scaling.autoscaler.driver is command but "
                                + "scaling.autoscaler.command is not set: name the program to run"))
                        .strip().split("\\s+")), fleet);
                default -> ScaleDrivers.dryRun(fleet);
            };
        }
    }

    /** The fleet's alive nodes that run jobs: what the dry-run and command drivers call current. */
    static int workers(ClusterNode node) {
        return (int) node.view().nodes().stream().filter(n -> n.state() == NodeState.ALIVE)
                .filter(n -> n.row().info().role() != NodeRole.API).count();
    }

    private final boolean enabled;
    private final Autoscaler autoscaler;
    private final ScaleDriver driver;
    private final ClusterNode node;
    private final JobStore jobs;
    private final StateStore state;
    private final Set<String> queues;
    private final Duration interval;
    private final MeterRegistry meters;
    private final ScheduledExecutorService timer =
            Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("bulwark-autoscaler").daemon(true).factory());
    private volatile Map<String, Object> last;
    private volatile int current = -1;
    private volatile int desired = -1;
    private volatile String lastProblem;
    private final AutoscalerPolicy configured;
    private final long bodyLimit;
    private final Duration publish;
    private volatile String policyStamp = "config";

    private AutoscalerCapability(boolean enabled, Autoscaler autoscaler, ScaleDriver driver, ClusterNode node, JobStore jobs,
                                 StateStore state, Set<String> queues, Duration interval, MeterRegistry meters,
                                 long bodyLimit, Duration publish) {
        this.publish = publish;
        this.enabled = enabled;
        this.configured = autoscaler.policy();
        this.bodyLimit = bodyLimit;
        this.autoscaler = autoscaler;
        this.driver = driver;
        this.node = node;
        this.jobs = jobs;
        this.state = state;
        this.queues = queues;
        this.interval = interval;
        this.meters = meters;
        if (enabled) {
            Gauge.builder("bulwark.scaling.replicas", this, c -> c.current).tag("kind", "current")
                    .description("Worker replicas the autoscaler saw and decided (-1 before its first decision)")
                    .register(meters);
            Gauge.builder("bulwark.scaling.replicas", this, c -> c.desired).tag("kind", "desired").register(meters);
        }
    }

    @Override
    public String name() {
        return "autoscaler";
    }

    @Override
    public void start() {
        if (enabled) {
            timer.scheduleAtFixedRate(this::evaluate, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** One evaluation on the leader; never throws, logs a failure once per distinct message. */
    void evaluate() {
        Optional<io.bulwark.cluster.Term> held = node.term();
        if (held.isEmpty()) {
            return;
        }
        try {
            refreshPolicy();
            int now = driver.currentReplicas();
            List<QueueCounts> counts = jobs.counts();
            QueueCounts.Backlog backlog = backlog(counts);
            double waiting = backlog.waiting();
            java.time.Instant at = autoscaler.clock().instant();
            AutoscalerPolicy policy = autoscaler.policy();
            Map<String, Observation> observations = new java.util.HashMap<>();
            observations.put(METRIC, new Observation.Total(waiting, now));
            observations.put(PolicyDocument.QUEUE_LAG, new Observation.Total(backlog.lagSeconds(at), now));
            perQueue(policy, counts, now, at, observations);
            if (java.util.stream.Stream.of(PolicyDocument.CPU, PolicyDocument.MEMORY, PolicyDocument.REQUESTS,
                    PolicyDocument.ERRORS).anyMatch(m -> PolicyDocument.target(policy, m).isPresent())) {
                observations.putAll(FleetReadings.of(state, node, publish.multipliedBy(2), now));
            }
            Decision d = autoscaler.decide(now, observations);
            boolean applied = false;
            String note = driver.name().equals("dry-run") && d.scales() ? "dry-run: not applied" : "";
            if (d.scales() && !node.stillLeads(held.get())) {
                // Another node took over while this one decided: it decides and applies now, not both.
                note = "not applied: term " + held.get().term() + " is no longer the store's current one";
                LOG.info("The autoscaler's decision {} → {} is not applied: this node no longer leads", d.current(),
                        d.desired());
            } else if (d.scales()) {
                try {
                    applied = driver.scale(d.desired());
                } catch (ScaleDriver.ScaleException e) {
                    note = "not applied: " + e.getMessage();
                    LOG.warn("The autoscaler could not apply {} → {} through {}: {}", d.current(), d.desired(),
                            driver.name(), e.getMessage());
                }
            }
            if (d.scales() && !applied) {
                autoscaler.notApplied(d); // nothing changed: the rate policies must not count it
            }
            if (d.scales() && applied) {
                LOG.info("Autoscaler: {} ({})", d.explanation(), d.rule());
            }
            Map<String, Object> record = record(d, waiting, applied, note);
            record.put("term", held.get().term());
            state.append(KIND, NAME, Json.mapper().writeValueAsString(record));
            last = record;
            current = d.current();
            desired = d.desired();
            Counter.builder("bulwark.scaling.decisions").tag("rule", d.rule()).tag("applied", String.valueOf(applied))
                    .description("Autoscaler decisions by the rule that decided them").register(meters).increment();
            if (lastProblem != null) {
                LOG.info("The autoscaler works again");
                lastProblem = null;
            }
        } catch (Exception e) {
            String problem = e.getMessage();
            if (!java.util.Objects.equals(problem, lastProblem)) {
                LOG.warn("The autoscaler could not decide: {}; it tries again in {}", problem, interval);
                lastProblem = problem;
            }
        }
    }

    /**
     * Takes up a policy set over the API (by any node: it lives in the state store) or its removal,
     * keeping the stabilization and rate history.
     */
    private void refreshPolicy() {
        Optional<io.bulwark.core.state.StateEntry> stored = state.get(KIND, POLICY);
        String stamp = stored.map(e -> e.version() + "@" + e.updatedAt()).orElse("config");
        if (stamp.equals(policyStamp)) {
            return;
        }
        AutoscalerPolicy next = configured;
        if (stored.isPresent()) {
            try {
                next = PolicyDocument.read(Json.mapper().readValue(stored.get().json(), Object.class));
            } catch (Exception e) {
                LOG.warn("The scaling policy in the state store cannot be read ({}); deciding with the configured one "
                        + "until it is set again with PUT /api/v1/scaling/policy", e.getMessage());
            }
        }
        autoscaler.usePolicy(next);
        policyStamp = stamp;
    }

    private Map<String, Object> record(Decision d, double waiting, boolean applied, String note) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("at", d.at().toString());
        m.put("node", node.info().name());
        m.put("driver", driver.name());
        m.put("current", d.current());
        m.put("waitingJobs", waiting);
        m.put("proposals", d.proposals().stream().map(p -> Map.of("metric", p.metric(), "replicas", p.replicas(),
                "ratio", Double.isFinite(p.ratio()) ? p.ratio() : -1, "note", p.note())).toList());
        m.put("recommended", d.recommended());
        m.put("stabilized", d.stabilized());
        m.put("desired", d.desired());
        m.put("rule", d.rule());
        m.put("explanation", d.explanation());
        m.put("applied", applied);
        m.put("note", note);
        return m;
    }

    @Override
    public void routes(ApiRoutes routes) {
        routes.get("/api/v1/scaling", this::status, Role.VIEWER, RouteDoc.of("The autoscaler: policy, current, desired, last decision")
                .describe("Whether it is on, its driver, the policy (bounds, target waiting jobs per worker, tolerance, "
                        + "queues), the last decision with each metric's proposal and the rule that decided it.")
                .answers(200, "`{\"enabled\",\"driver\",\"policy\",\"current\",\"desired\",\"last\"}`"));
        routes.put("/api/v1/scaling/policy", this::putPolicy, Role.OPERATOR, RouteDoc.of("Set the autoscaler's policy")
                .body(PolicyBody.class)
                .describe("An HPA-shaped policy: minReplicas, maxReplicas, waitingJobsPerWorker, tolerance (default "
                        + "0.1) and behavior.scaleUp/scaleDown with stabilizationWindow, selectPolicy (Max, Min, "
                        + "Disabled) and policies [{type: Pods|Percent, value, period}] (defaults: the HPA's). Kept in "
                        + "the state store, so every node and a new leader decide with it; the leader takes it up at "
                        + "its next decision, keeping its stabilization history. On a 400 (naming each field) nothing "
                        + "changes.")
                .answers(200, "the autoscaler, as `GET /api/v1/scaling`").errors(400));
        routes.delete("/api/v1/scaling/policy", this::deletePolicy, Role.OPERATOR,
                RouteDoc.of("Go back to the configured policy")
                .describe("Removes the policy set over the API; the `scaling.autoscaler.*` keys decide again.")
                .answers(200, "the autoscaler, as `GET /api/v1/scaling`"));
        routes.get("/api/v1/scaling/metric", this::metric, Role.VIEWER, RouteDoc.of("The autoscaler's input and output, for KEDA")
                .describe("The waiting jobs of the autoscaler's queues now, and the desired worker count of the last "
                        + "decision (null before the first): what KEDA's metrics-api scaler reads, with valueLocation "
                        + "desiredReplicas and targetValue 1, to apply Bulwark's decisions through KEDA's HPA.")
                .answers(200, "`{\"waitingJobs\",\"queueLagSeconds\",\"desiredReplicas\",\"decidedAt\"}`"));
        routes.get("/api/v1/scaling/decisions", this::decisions, Role.VIEWER, RouteDoc.of("Recent autoscaler decisions")
                .describe("Newest first, from the state store (any node answers): time, node, inputs, proposals, "
                        + "recommended, stabilized and desired counts, the rule, applied or not and why.")
                .query("limit", Integer.class, "how many, 1 to 1000 (default 50)")
                .answers(200, "`{\"decisions\":[...]}`").errors(400));
    }

    private void status(Context ctx) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("enabled", enabled);
        body.put("driver", driver.name());
        Optional<io.bulwark.core.state.StateEntry> stored = state.get(KIND, POLICY);
        AutoscalerPolicy p = configured;
        if (stored.isPresent()) {
            try {
                p = PolicyDocument.read(Json.mapper().readValue(stored.get().json(), Object.class));
            } catch (Exception e) {
                stored = Optional.empty(); // unreadable: the leader decides with the configured policy
            }
        }
        Map<String, Object> policy = new LinkedHashMap<>(PolicyDocument.write(p));
        policy.put("scaleDownStabilization", io.bulwark.core.units.Durations.format(p.scaleDown().stabilizationWindow()));
        policy.put("source", stored.isPresent() ? "api" : "config");
        policy.put("updatedAt", stored.map(e -> e.updatedAt().toString()).orElse(null));
        policy.put("queues", queues.isEmpty() ? List.of("*") : queues.stream().sorted().toList());
        policy.put("interval", io.bulwark.core.units.Durations.format(interval));
        body.put("policy", policy);
        body.put("leader", node.isLeader());
        Map<String, Object> latest = latest();
        body.put("current", latest == null ? null : latest.get("current"));
        body.put("desired", latest == null ? null : latest.get("desired"));
        body.put("last", latest);
        ctx.json(body);
    }

    @SuppressWarnings("unchecked")
    private void putPolicy(Context ctx) {
        Map<String, Object> body = io.bulwark.server.http.JsonBodies.read(ctx, Map.class, bodyLimit);
        AutoscalerPolicy p;
        try {
            p = PolicyDocument.read(body);
        } catch (PolicyDocument.InvalidPolicyException e) {
            throw ApiException.validation("invalid scaling policy; nothing was changed", e.problems().stream()
                    .map(x -> new FieldError(x.field(), x.message())).toList());
        }
        try {
            state.put(KIND, POLICY, Json.mapper().writeValueAsString(PolicyDocument.write(p)));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        LOG.info("Scaling policy set over the API: {} to {} workers, targets {}", p.minReplicas(), p.maxReplicas(),
                p.targets());
        status(ctx);
    }

    private void deletePolicy(Context ctx) {
        if (state.delete(KIND, POLICY)) {
            LOG.info("Scaling policy set over the API removed: the configured policy decides again");
        }
        status(ctx);
    }

    private void metric(Context ctx) {
        Map<String, Object> body = new LinkedHashMap<>();
        QueueCounts.Backlog backlog = backlog(jobs.counts());
        body.put("waitingJobs", (double) backlog.waiting());
        body.put("queueLagSeconds", backlog.lagSeconds(autoscaler.clock().instant()));
        Map<String, Object> latest = latest();
        body.put("desiredReplicas", latest == null ? null : latest.get("desired"));
        body.put("decidedAt", latest == null ? null : latest.get("at"));
        ctx.json(body);
    }

    /** The last decision: this node's, or the newest in the store (another node led). */
    private Map<String, Object> latest() {
        Map<String, Object> latest = last;
        return latest != null ? latest : history(1).stream().findFirst().orElse(null);
    }


    /** The queue a {@code scaling.autoscaler.queue.<name>.<target>} key names. */
    static String queueOf(String key) {
        String rest = key.substring("scaling.autoscaler.queue.".length());
        return rest.substring(0, rest.lastIndexOf('.'));
    }

    /**
     * An observation for each per-queue target of {@code policy} ({@code waiting_jobs:<queue>},
     * {@code queue_lag_seconds:<queue>}); a queue with no jobs reads 0.
     */
    private static void perQueue(AutoscalerPolicy policy, List<QueueCounts> counts, int now, java.time.Instant at,
                                 Map<String, Observation> observations) {
        for (MetricTarget t : policy.targets()) {
            int sep = t.metric().indexOf(PolicyDocument.OF_QUEUE);
            if (sep <= 0) {
                continue;
            }
            String queue = t.metric().substring(sep + 1);
            QueueCounts.Backlog backlog = QueueCounts.backlog(counts, queue::equals);
            boolean waiting = t.metric().startsWith(PolicyDocument.WAITING_JOBS + PolicyDocument.OF_QUEUE);
            observations.put(t.metric(), new Observation.Total(waiting ? backlog.waiting() : backlog.lagSeconds(at), now));
        }
    }

    /** The available jobs of the autoscaler's queues and the oldest of them. */
    private QueueCounts.Backlog backlog(List<QueueCounts> counts) {
        return QueueCounts.backlog(counts, q -> queues.isEmpty() || queues.contains(q));
    }

    private void decisions(Context ctx) {
        int limit = 50;
        String text = ctx.queryParam("limit");
        if (text != null) {
            try {
                limit = Integer.parseInt(text);
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > 1000) {
                throw ApiException.validation("invalid query", List.of(new FieldError("limit",
                        "must be an integer from 1 to 1000 but was '" + text + "'")));
            }
        }
        ctx.json(Map.of("decisions", history(limit)));
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> history(int limit) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (StateRecord r : state.history(KIND, NAME, limit)) {
            try {
                JsonNode n = Json.mapper().readTree(r.json());
                out.add(Json.mapper().convertValue(n, Map.class));
            } catch (Exception e) {
                // a record another version wrote in another shape: skip it
            }
        }
        return out;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
