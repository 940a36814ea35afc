package io.bulwark.server.internal.scaling;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.bulwark.cluster.ClusterNode;
import io.bulwark.core.config.BulwarkConfig;
import io.bulwark.core.config.ConfigKey;
import io.bulwark.core.json.Json;
import io.bulwark.core.state.StateEntry;
import io.bulwark.core.state.StateStore;
import io.bulwark.core.units.Durations;
import io.bulwark.scaling.vertical.UsageHistory;
import io.bulwark.scaling.vertical.VerticalRecommendation;
import io.bulwark.server.ScalingKeys;
import io.bulwark.server.auth.Role;
import io.bulwark.server.capability.Capability;
import io.bulwark.server.capability.CapabilityFactory;
import io.bulwark.server.capability.ServerContext;
import io.bulwark.server.http.ApiRoutes;
import io.bulwark.server.http.RouteDoc;
import io.bulwark.server.internal.cluster.ClusterCapability;
import io.bulwark.server.internal.resources.ResourcesCapability;
import io.javalin.http.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Vertical recommendations as the VPA makes them: on the leader, every
 * {@code scaling.recommender.interval}, the figures each node published
 * ({@link ResourcesCapability#PUBLISHED}) are added to the usage history of its deployment, named by
 * its role ({@code api}, {@code worker}, {@code both}); histories are kept in the state store (kind
 * {@code scaling}, name {@code usage-<deployment>}), so they survive restarts and leader changes.
 * {@code GET /api/v1/scaling/recommendations} turns each into requests ({@link VerticalRecommendation}).
 */
public final class RecommenderCapability implements Capability {

    private static final Logger LOG = LoggerFactory.getLogger(RecommenderCapability.class);
    static final String KIND = "scaling";
    static final String PREFIX = "usage-";

    /** Made with the fleet; records only when {@code scaling.recommender.enabled}. */
    public static final class Factory implements CapabilityFactory {
        @Override
        public String name() {
            return "recommender";
        }

        @Override
        public List<ConfigKey<?>> configKeys() {
            return ScalingKeys.RECOMMENDER;
        }

        @Override
        public Optional<Capability> create(ServerContext ctx) {
            BulwarkConfig config = ctx.config();
            Optional<ClusterNode> node = ctx.capability(ClusterCapability.class).map(ClusterCapability::node);
            return Optional.of(new RecommenderCapability(config.get(ScalingKeys.RECOMMENDER_ENABLED), node.orElse(null),
                    ctx.state(), config.get(ScalingKeys.RECOMMENDER_INTERVAL), config.get(ScalingKeys.MONITOR_PUBLISH)));
        }
    }

    private final boolean enabled;
    private final ClusterNode node;
    private final StateStore state;
    private final Duration interval;
    private final Duration publish;
    private final ScheduledExecutorService timer =
            Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("bulwark-recommender").daemon(true).factory());
    private volatile String lastProblem;

    private RecommenderCapability(boolean enabled, ClusterNode node, StateStore state, Duration interval, Duration publish) {
        this.enabled = enabled;
        this.node = node;
        this.state = state;
        this.interval = interval;
        this.publish = publish;
    }

    @Override
    public String name() {
        return "recommender";
    }

    @Override
    public void start() {
        if (enabled) {
            timer.scheduleWithFixedDelay(this::record, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /**
     * One round on the leader (every node on a server without the fleet): each node's figures published
     * since the last round become one sample of its deployment. Never throws.
     */
    void record() {
        if (node != null && !node.isLeader()) {
            return;
        }
        try {
            Instant now = state.now();
            Map<String, List<Map<String, Object>>> byDeployment = new TreeMap<>();
            for (StateEntry e : state.list(ResourcesCapability.PUBLISHED)) {
                Map<String, Object> figures = read(e.json());
                if (figures != null && !e.updatedAt().isBefore(now.minus(publish.multipliedBy(2)))) {
                    byDeployment.computeIfAbsent(String.valueOf(figures.get("role")), k -> new ArrayList<>()).add(figures);
                }
            }
            for (Map.Entry<String, List<Map<String, Object>>> d : byDeployment.entrySet()) {
                Map<String, Object> doc = state.get(KIND, PREFIX + d.getKey()).map(e -> read(e.json())).orElse(null);
                UsageHistory history = doc == null ? new UsageHistory() : UsageHistory.load(doc);
                Map<String, Object> seen = doc != null && doc.get("seen") instanceof Map<?, ?> m ? cast(m) : new LinkedHashMap<>();
                boolean added = false;
                for (Map<String, Object> f : d.getValue()) {
                    String at = String.valueOf(f.get("at"));
                    if (at.equals(seen.get(String.valueOf(f.get("node"))))) {
                        continue; // nothing new from this node since the last round
                    }
                    seen.put(String.valueOf(f.get("node")), at);
                    history.add(Instant.parse(at), number(f.get("cpuCores")), number(f.get("rssBytes")));
                    added = true;
                }
                if (added) {
                    Map<String, Object> out = history.save();
                    seen.keySet().retainAll(d.getValue().stream().map(f -> String.valueOf(f.get("node"))).toList());
                    out.put("seen", seen);
                    state.put(KIND, PREFIX + d.getKey(), Json.mapper().writeValueAsString(out));
                }
            }
            lastProblem = null;
        } catch (RuntimeException | JsonProcessingException e) {
            if (!java.util.Objects.equals(e.getMessage(), lastProblem)) {
                LOG.warn("The recommender could not add the fleet's figures: {}; it tries again in {}", e.getMessage(),
                        Durations.format(interval));
                lastProblem = e.getMessage();
            }
        }
    }

    @Override
    public void routes(ApiRoutes routes) {
        routes.get("/api/v1/scaling/recommendations", this::recommendations, Role.VIEWER,
                RouteDoc.of("CPU and memory requests per deployment, as the VPA recommends them")
                        .describe("For each deployment (the nodes of one role: api, worker, both): the usage history's "
                                + "samples and span, the confidence in days, and CPU (millicores) and memory (MiB) "
                                + "lower bound, target and upper bound: the 50th, 90th and 95th percentiles of CPU use and "
                                + "of daily memory peaks, +15%, at least 25m and 250Mi, bounds widened by a short history.")
                        .answers(200, "`{\"enabled\",\"deployments\":[{\"deployment\",\"samples\",\"history\",\"confidenceDays\","
                                + "\"cpu\":{\"lowerMillicores\",\"targetMillicores\",\"upperMillicores\"},\"memory\":{\"lowerMiB\","
                                + "\"targetMiB\",\"upperMiB\"},\"requests\":{\"cpu\",\"memory\"}}]}`"));
    }

    private void recommendations(Context ctx) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (StateEntry e : state.list(KIND)) {
            if (!e.name().startsWith(PREFIX)) {
                continue;
            }
            Map<String, Object> doc = read(e.json());
            if (doc == null) {
                continue;
            }
            UsageHistory h = UsageHistory.load(doc);
            VerticalRecommendation r = VerticalRecommendation.of(h);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("deployment", e.name().substring(PREFIX.length()));
            m.put("samples", h.samples());
            m.put("history", Durations.format(h.span()));
            m.put("confidenceDays", Math.round(r.confidenceDays() * 1000) / 1000.0);
            m.put("cpu", Map.of("lowerMillicores", millicores(r.cpuLower()), "targetMillicores", millicores(r.cpuTarget()),
                    "upperMillicores", millicores(r.cpuUpper())));
            m.put("memory", Map.of("lowerMiB", mib(r.memoryLower()), "targetMiB", mib(r.memoryTarget()),
                    "upperMiB", mib(r.memoryUpper())));
            m.put("requests", Map.of("cpu", millicores(r.cpuTarget()) + "m", "memory", mib(r.memoryTarget()) + "Mi"));
            out.add(m);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("enabled", enabled);
        body.put("deployments", out);
        ctx.json(body);
    }

    /** Whole millicores, rounded up; -1 for an open bound. */
    private static long millicores(double cores) {
        return Double.isInfinite(cores) ? -1 : (long) Math.ceil(cores * 1000);
    }

    /** Whole MiB, rounded up; -1 for an open bound. */
    private static long mib(double bytes) {
        return Double.isInfinite(bytes) ? -1 : (long) Math.ceil(bytes / (1024 * 1024));
    }

    private static double number(Object o) {
        return o instanceof Number n ? n.doubleValue() : -1;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Map<?, ?> m) {
        return new LinkedHashMap<>((Map<String, Object>) m);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> read(String json) {
        try {
            return Json.mapper().readValue(json, Map.class);
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
