package io.bulwark.server.internal.resources;

import io.bulwark.core.config.BulwarkConfig;
import io.bulwark.core.config.ConfigKey;
import io.bulwark.core.health.HealthCheck;
import io.bulwark.core.state.StateStore;
import io.bulwark.scaling.resources.ResourceHistory;
import io.bulwark.scaling.resources.ResourceLimits;
import io.bulwark.scaling.resources.ResourceMonitor;
import io.bulwark.scaling.resources.ResourceSampler;
import io.bulwark.scaling.resources.ResourceSnapshot;
import io.bulwark.server.ScalingKeys;
import io.bulwark.server.StartupException;
import io.bulwark.server.auth.Role;
import io.bulwark.server.capability.Capability;
import io.bulwark.server.capability.CapabilityFactory;
import io.bulwark.server.capability.ServerContext;
import io.bulwark.server.http.ApiRoutes;
import io.bulwark.server.http.RouteDoc;
import io.javalin.http.Context;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The resource monitor on every node: samples on a timer, {@code GET /api/v1/resources} (the
 * current figures, limits, breaches and history), the {@code resources} health check (DEGRADED on a
 * breach), and gauges {@code bulwark_resource_value{figure}} and {@code bulwark_resource_limit_exceeded{figure}}.
 */
public final class ResourcesCapability implements Capability {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ResourcesCapability.class);

    /** Made on every node from {@code scaling.monitor.*} and {@code scaling.limits.*}. */
    public static final class Factory implements CapabilityFactory {
        @Override
        public String name() {
            return "resources";
        }

        @Override
        public List<ConfigKey<?>> configKeys() {
            return ScalingKeys.MONITOR;
        }

        @Override
        public Optional<Capability> create(ServerContext ctx) {
            BulwarkConfig config = ctx.config();
            io.bulwark.server.internal.jobs.JobsRuntime jobs = ctx.capability(
                    io.bulwark.server.internal.jobs.JobsCapability.class)
                    .map(io.bulwark.server.internal.jobs.JobsCapability::runtime).orElse(null);
            ResourceMonitor monitor = new ResourceMonitor(ResourceSampler.system(ctx.clock())
                    .extraFigures(new ServerFigures(jobs, ctx.meters(), ctx.clock())),
                    new ResourceHistory(config.get(ScalingKeys.MONITOR_HISTORY)), limits(config),
                    config.get(ScalingKeys.MONITOR_INTERVAL));
            ctx.capability(io.bulwark.server.internal.events.EventsCapability.class)
                    .map(io.bulwark.server.internal.events.EventsCapability::log)
                    .ifPresent(events -> monitor.addBreachListener(breachEvents(events)));
            return Optional.of(new ResourcesCapability(monitor, ctx.meters(), ctx.state(), ctx.identity(),
                    config.get(ScalingKeys.MONITOR_PUBLISH)));
        }
    }

    /** A breach's start and end as events, raising and resolving the alert {@code BulwarkResourceLimit}. */
    static ResourceMonitor.BreachListener breachEvents(io.bulwark.core.events.EventLog events) {
        return new ResourceMonitor.BreachListener() {
            @Override
            public void exceeded(io.bulwark.scaling.resources.ResourceLimits.Breach b) {
                events.publish("resource.limit.exceeded", io.bulwark.core.events.Severity.WARNING, b.figure(),
                        "Resource limit exceeded: " + b + "; /health reports resources DEGRADED until it is back under",
                        Map.of("figure", b.figure()), "BulwarkResourceLimit", false);
            }

            @Override
            public void cleared(String figure, double value, double limit) {
                events.publish("resource.limit.cleared", io.bulwark.core.events.Severity.INFO, figure, "Resource "
                                + figure + " is back under its limit (" + Math.round(value * 10) / 10.0 + ", limit " + limit
                                + ")", Map.of("figure", figure), "BulwarkResourceLimit", true);
            }
        };
    }

    /** The defaults, overridden by each {@code scaling.limits.<figure>} set. */
    static ResourceLimits limits(BulwarkConfig config) {
        Map<String, Double> thresholds = new HashMap<>(ResourceLimits.defaults().thresholds());
        Map<String, String> names = ScalingKeys.configNames();
        config.getAll(ScalingKeys.LIMITS).forEach((key, value) -> {
            String name = key.substring("scaling.limits.".length());
            String figure = names.get(name);
            if (figure == null) {
                throw new StartupException(key + " names no resource figure; allowed: " + String.join(", ", names.keySet()));
            }
            thresholds.put(figure, value);
        });
        return new ResourceLimits(thresholds);
    }

    /** Where each node's latest figures are kept for the fleet: kind {@value}, one document per node id. */
    public static final String PUBLISHED = "node-resources";

    private final ResourceMonitor monitor;
    private final StateStore state;
    private final MeterRegistry meters;
    private final ServerContext.NodeIdentity self;
    private final Duration publishEvery;
    private volatile Map<String, Double> latest = Map.of();
    private volatile Instant publishedAt;

    private ResourcesCapability(ResourceMonitor monitor, MeterRegistry meters, StateStore state,
                                ServerContext.NodeIdentity self, Duration publishEvery) {
        this.monitor = monitor;
        this.meters = meters;
        this.state = state;
        this.self = self;
        this.publishEvery = publishEvery;
        monitor.addListener(this::sampled);
        for (String figure : ResourceLimits.FIGURES) {
            Gauge.builder("bulwark.resource.value", this, c -> c.latest.getOrDefault(figure, Double.NaN))
                    .tag("figure", figure).description("The resource monitor's last sample of a figure (-1: unknown)")
                    .register(meters);
        }
        for (String figure : monitor.limits().thresholds().keySet()) {
            Gauge.builder("bulwark.resource.limit.exceeded", monitor, m -> m.breaches().stream()
                            .anyMatch(b -> b.figure().equals(figure)) ? 1 : 0)
                    .tag("figure", figure).description("1 while the figure is above its scaling.limits threshold")
                    .register(meters);
        }
    }

    @Override
    public String name() {
        return "resources";
    }

    /** The last sample's figures by name (empty before the first). */
    public Map<String, Double> latestFigures() {
        return latest;
    }

    /** Each sample: the figures the gauges read (one map per sample, not one per gauge), and the fleet's copy. */
    private void sampled(ResourceSnapshot s) {
        latest = s.figures();
        Instant now = s.at();
        if (publishedAt != null && now.isBefore(publishedAt.plus(publishEvery))) {
            return;
        }
        publishedAt = now;
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("at", now.toString());
        doc.put("node", self.id());
        doc.put("name", self.name());
        doc.put("role", self.role() == null ? "both" : self.role().id());
        doc.put("cpuCores", s.processCpu() >= 0 && s.cpuLimitCores() > 0 ? s.processCpu() * s.cpuLimitCores() : -1);
        doc.put("cpuLimitCores", s.cpuLimitCores());
        doc.put("rssBytes", s.rssBytes());
        doc.put("memoryLimitBytes", s.memoryLimitBytes());
        doc.put("heapUsedBytes", s.heapUsedBytes());
        requestRates(now).forEach(doc::put);
        try {
            state.put(PUBLISHED, self.id(), io.bulwark.core.json.Json.mapper().writeValueAsString(doc));
            for (io.bulwark.core.state.StateEntry e : state.list(PUBLISHED)) {
                if (e.updatedAt().isBefore(state.now().minus(Duration.ofHours(1)))) {
                    state.delete(PUBLISHED, e.name()); // a node gone for an hour
                }
            }
        } catch (RuntimeException | com.fasterxml.jackson.core.JsonProcessingException e) {
            LOG.warn("This node's resource figures could not be put in the store ({}); the recommender misses this "
                    + "node until the next publish in {}", e.getMessage(), io.bulwark.core.units.Durations.format(publishEvery));
        }
    }

    private long requestsSeen = -1;
    private long errorsSeen;
    private Instant countedAt;

    /**
     * The HTTP requests and 5xx answers per second since the last publish, from the server's
     * {@code http.server.requests} timers; nothing on the first publish (no interval yet).
     */
    private Map<String, Double> requestRates(Instant now) {
        long requests = 0;
        long errors = 0;
        for (io.micrometer.core.instrument.Timer t : meters.find("http.server.requests").timers()) {
            requests += t.count();
            if ("SERVER_ERROR".equals(t.getId().getTag("outcome"))) {
                errors += t.count();
            }
        }
        Map<String, Double> out = new LinkedHashMap<>();
        if (requestsSeen >= 0 && countedAt != null && now.isAfter(countedAt)) {
            double seconds = Duration.between(countedAt, now).toNanos() / 1e9;
            out.put("requestsPerSecond", Math.max(0, requests - requestsSeen) / seconds);
            out.put("serverErrorsPerSecond", Math.max(0, errors - errorsSeen) / seconds);
        }
        requestsSeen = requests;
        errorsSeen = errors;
        countedAt = now;
        return out;
    }

    @Override
    public void routes(ApiRoutes routes) {
        routes.get("/api/v1/resources", this::get, Role.VIEWER, RouteDoc.of("This node's resources now and their history")
                .describe("CPU (process, system, quota, throttling), heap, non-heap, RSS against the container's memory "
                        + "limit, threads, file descriptors, GC pause time and I/O rates, read container-aware; the "
                        + "limits (scaling.limits.*), which are exceeded, and the samples kept (scaling.monitor.history "
                        + "at scaling.monitor.interval).")
                .query("since", String.class, "only samples taken after this: " + io.bulwark.server.http.TimeParams.ACCEPTED
                        + "; default all kept")
                .answers(200, "`{\"interval\",\"capacity\",\"limits\",\"exceeded\",\"current\",\"history\"}`")
                .errors(400));
    }

    private void get(Context ctx) {
        Instant since = io.bulwark.server.http.TimeParams.instant(ctx, "since", Instant::now).orElse(Instant.MIN);
        ResourceSnapshot current = monitor.history().latest().orElseGet(monitor::sampleNow);
        List<Map<String, Object>> history = new ArrayList<>();
        for (ResourceSnapshot s : monitor.history().since(since)) {
            history.add(view(s));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("interval", io.bulwark.core.units.Durations.format(monitor.interval()));
        body.put("capacity", monitor.history().capacity());
        body.put("limits", monitor.limits().thresholds());
        body.put("exceeded", monitor.breaches().stream().map(b -> Map.of("figure", b.figure(), "value", b.value(),
                "limit", b.threshold())).toList());
        body.put("current", view(current));
        body.put("history", history);
        ctx.json(body);
    }

    private static Map<String, Object> view(ResourceSnapshot s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("at", s.at().toString());
        m.put("figures", s.figures());
        return m;
    }

    @Override
    public List<HealthCheck> healthChecks() {
        return List.of(monitor.healthCheck());
    }

    @Override
    public void start() {
        monitor.start();
    }

    @Override
    public void close() {
        monitor.close();
    }
}
